using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Detections read from a MOTChallenge det.txt instead of a detector, so trackers can be evaluated on public
/// detections as MOTChallenge does. Rows are grouped by frame (1-based in the file, 0-based frame index here).
/// </summary>
/// <remarks>
/// Public MOT detectors write confidences on their own scales (TUD-Campus det.txt runs from 0.14 to 133), while
/// the trackers' thresholds are in [0, 1]: scores are normalised by <see cref="SequenceTracking.NormalizeScores"/>
/// (kept when already in [0, 1], otherwise replaced by their quantile in the file), as the quality runs do. A dump
/// from <c>--export detections</c> holds detector scores, all in [0, 1], so it is read back unchanged: the class from
/// column 8 (10-column files), the boxes bit for bit, and the embeddings from the <c>.emb</c> sidecar when present.
/// </remarks>
public sealed class DetectionFile
{
    private readonly Dictionary<long, Detections> _byFrame;

    private DetectionFile(Dictionary<long, Detections> byFrame, bool normalized)
    {
        _byFrame = byFrame;
        ScoresNormalized = normalized;
    }

    /// <summary>Whether the file's confidences were outside [0, 1] and were replaced by their quantiles.</summary>
    public bool ScoresNormalized { get; }

    /// <summary>Number of frames with at least one detection.</summary>
    public int FrameCount => _byFrame.Count;

    /// <summary>Reads <paramref name="path"/>; rows without a class get <paramref name="defaultClassId"/> (0 = person).</summary>
    /// <exception cref="VisionTrackerException">The file is missing or malformed (the message names the line).</exception>
    public static DetectionFile Load(string path, int defaultClassId = 0)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Detection file not found: {path}. Pass a MOTChallenge det.txt (frame,id,x,y,w,h,conf,...).");
        }

        var seq = MotChallengeFormat.Read(path);
        var rows = seq.Rows;
        float[] scores = SequenceTracking.NormalizeScores(rows.Select(r => r.Score).ToArray());

        // 10-column files from `--export detections` carry the COCO class in column 8; public det.txt files put -1 there.
        bool classColumn = seq.SourceColumns == 10;
        string sidecar = DetectionDump.SidecarPath(path);
        var (dim, embeddings) = File.Exists(sidecar) ? DetectionDump.ReadSidecar(sidecar, rows.Count) : (0, Array.Empty<float>());
        var byFrame = Enumerable.Range(0, rows.Count)
            .GroupBy(i => (long)rows[i].Frame - 1)
            .ToDictionary(
                g => g.Key,
                g => new Detections(
                    g.Select(i => ExactBox(rows[i])).ToArray(),
                    g.Select(i => scores[i]).ToArray(),
                    g.Select(i => classColumn && rows[i].ClassId >= 0 ? rows[i].ClassId : defaultClassId).ToArray(),
                    dim > 0 ? g.SelectMany(i => embeddings.AsSpan(i * dim, dim).ToArray()).ToArray() : null,
                    dim));
        bool normalized = rows.Any(r => r.Score is < 0 or > 1);
        return new DetectionFile(byFrame, normalized) { EmbeddingDim = dim };
    }

    /// <summary>The embedding size read from the <c>.emb</c> sidecar beside the file; 0 when there is none.</summary>
    public int EmbeddingDim { get; private init; }

    /// <summary>The detections of frame <paramref name="frameIndex"/> (0-based), empty when the file has none.</summary>
    public Detections For(long frameIndex) => _byFrame.TryGetValue(frameIndex, out var d) ? d : Detections.Empty;

    /// <summary>A per-frame detection function for <see cref="TrackingPipeline"/>.</summary>
    public Func<Frame, Detections> AsDetector() => f => For(f.Index);

    /// <summary>
    /// The row's box with the right and bottom edges summed in double and rounded once, so that a dump written by
    /// <see cref="DetectionDump"/> (exact left and width) gives back the float corners bit for bit.
    /// </summary>
    private static BoxF ExactBox(TrackRecord r) => new((float)r.Left, (float)r.Top, (float)(r.Left + r.Width), (float)(r.Top + r.Height));
}
