using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

/// <summary>Builds synthetic detection frames with DETR-like embeddings: a large shared component plus a small distinct one per object.</summary>
internal static class SyntheticScene
{
    public const int Dim = 16;

    /// <summary>One object's detection in a frame.</summary>
    public readonly record struct Obj(int Key, BoxF Box, float Score = 0.9f, int ClassId = 0);

    /// <summary>Raw embedding of object <paramref name="key"/> with small per-frame noise.</summary>
    public static float[] Embedding(int key, int frame)
    {
        var rng = new Random(1000 + key);
        var noise = new Random((key * 7919) + frame);
        var e = new float[Dim];
        for (int i = 0; i < Dim; i++)
        {
            // Shared "DETR" component (raw cosines near 0.9) + object identity + noise.
            e[i] = 3f + ((float)rng.NextDouble() - 0.5f) * 2f + (((float)noise.NextDouble() - 0.5f) * 0.1f);
        }

        return e;
    }

    public static Detections Frame(int frame, bool withEmbeddings, params Obj[] objs)
    {
        var emb = new List<float>();
        foreach (Obj o in objs)
        {
            emb.AddRange(Embedding(o.Key, frame));
        }

        return new Detections(
            objs.Select(o => o.Box).ToArray(),
            objs.Select(o => o.Score).ToArray(),
            objs.Select(o => o.ClassId).ToArray(),
            withEmbeddings && objs.Length > 0 ? [.. emb] : null,
            withEmbeddings && objs.Length > 0 ? Dim : 0);
    }

    /// <summary>Runs frames through a tracker at <paramref name="fps"/>, returning per frame the id given to each object key.</summary>
    public static List<Dictionary<int, int>> Run(ITracker tracker, IReadOnlyList<Obj[]> frames, double fps, bool withEmbeddings = true)
    {
        var result = new List<Dictionary<int, int>>();
        for (int f = 0; f < frames.Count; f++)
        {
            Obj[] objs = frames[f];
            Detections outp = tracker.Update(Frame(f, withEmbeddings, objs), f / fps);
            var map = new Dictionary<int, int>();
            for (int k = 0; k < outp.Count; k++)
            {
                // Output rows keep the input boxes: find which object the box belongs to.
                int idx = Array.FindIndex(objs, o => o.Box == outp.Boxes[k]);
                map[objs[idx].Key] = outp.TrackIds[k];
            }

            result.Add(map);
        }

        return result;
    }

    public static BoxF Person(float cx, float cy) => BoxF.FromCxcywh(cx, cy, 40, 100);
}
