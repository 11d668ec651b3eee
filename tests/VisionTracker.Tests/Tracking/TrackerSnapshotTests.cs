using System.Text.Json;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

/// <summary>Capture and restore of a tracker (a camera taken over by another worker continues its track ids).</summary>
public class TrackerSnapshotTests
{
    private const double Dt = 1.0 / 25;

    private static Detections Frame(params BoxF[] boxes) =>
        new(boxes, boxes.Select(_ => 0.9f).ToArray(), new int[boxes.Length]);

    private static Detections FrameWithEmbeddings(float[][] emb, params BoxF[] boxes) =>
        new(boxes, boxes.Select(_ => 0.9f).ToArray(), new int[boxes.Length], emb.SelectMany(e => e).ToArray(), emb[0].Length);

    private static TrackerSnapshot RoundTrip(TrackerSnapshot s) => JsonSerializer.Deserialize<TrackerSnapshot>(JsonSerializer.Serialize(s))!;

    private static readonly BoxF A = new(10, 10, 60, 150);
    private static readonly BoxF B = new(200, 20, 250, 160);
    private static readonly BoxF C = new(400, 30, 450, 170);
    private static readonly BoxF D = new(300, 200, 350, 340);

    public static TheoryData<string> Trackers => new() { "attention", "iou" };

    private static ITracker Create(string name) => name == "iou" ? new IouTracker() : new CrossAttentionTracker();

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Restored_tracker_keeps_the_ids_of_people_still_there_and_never_reuses_an_id(string name)
    {
        // Before: A (id 1) leaves early; B (id 2) and C (id 3) stay.
        ITracker before = Create(name);
        double t = 0;
        for (int i = 0; i < 10; i++, t += Dt)
        {
            before.Update(Frame(A, B, C), t);
        }

        for (int i = 0; i < 60; i++, t += Dt)
        {
            before.Update(Frame(B, C), t);
        }

        TrackerSnapshot snap = RoundTrip(((IRestorableTracker)before).Capture());
        Assert.Equal(4, snap.NextId);
        Assert.Equal([2, 3], snap.Tracks.Select(x => x.Id));

        // After, in a new tracker with a new clock: B and C are still there, D is new.
        ITracker after = Create(name);
        ((IRestorableTracker)after).Restore(snap);
        Detections out1 = after.Update(Frame(B, C, D), 0);
        Detections out2 = after.Update(Frame(B, C, D), Dt);
        Detections out3 = after.Update(Frame(B, C, D), 2 * Dt);
        var ids = new[] { out1, out2, out3 }.SelectMany(o => Enumerable.Range(0, o.Count).Select(k => (Box: o.Boxes[k], Id: o.TrackIds[k]))).ToList();
        Assert.All(ids.Where(x => x.Box == B), x => Assert.Equal(2, x.Id));
        Assert.All(ids.Where(x => x.Box == C), x => Assert.Equal(3, x.Id));
        Assert.Contains(ids, x => x.Box == B);
        Assert.Contains(ids, x => x.Box == C);
        Assert.Contains(ids, x => x.Box == D && x.Id == 4);

        // A fresh tracker would have numbered them 1, 2, 3.
        ITracker fresh = Create(name);
        fresh.Update(Frame(B, C, D), 0);
        Assert.Equal([1, 2, 3], fresh.Update(Frame(B, C, D), Dt).TrackIds.ToArray().Order());
    }

    [Fact]
    public void Restored_tracks_that_are_not_seen_again_expire_and_their_ids_stay_retired()
    {
        var before = new CrossAttentionTracker();
        for (int i = 0; i < 10; i++)
        {
            before.Update(Frame(A), i * Dt);
        }

        var after = new CrossAttentionTracker();
        after.Restore(RoundTrip(before.Capture()));
        Detections last = Detections.Empty;
        for (int i = 0; i < 100; i++)
        {
            last = after.Update(Frame(C), i * Dt);
        }

        Assert.Equal([2], last.TrackIds.ToArray());
        Assert.DoesNotContain(after.Capture().Tracks, x => x.Id == 1);
    }

    [Fact]
    public void Snapshot_carries_embeddings_and_the_embedding_mean()
    {
        float[][] emb = [[1, 0, 0, 0], [0, 1, 0, 0]];
        var before = new CrossAttentionTracker();
        for (int i = 0; i < 5; i++)
        {
            before.Update(FrameWithEmbeddings(emb, A, B), i * Dt);
        }

        TrackerSnapshot snap = RoundTrip(before.Capture());
        Assert.All(snap.Tracks, x => Assert.Equal(4, x.Embedding!.Length));
        Assert.Equal(4, snap.EmbeddingCenter!.Length);

        var after = new CrossAttentionTracker();
        after.Restore(snap);
        TrackerSnapshot again = after.Capture();
        Assert.Equal(snap.NextId, again.NextId);
        Assert.Equal(snap.Tracks.Select(x => (x.Id, x.X1, x.Y1, x.X2, x.Y2)), again.Tracks.Select(x => (x.Id, x.X1, x.Y1, x.X2, x.Y2)));
        Assert.Equal(snap.Tracks[0].Embedding, again.Tracks[0].Embedding);
        Assert.Equal(snap.EmbeddingCenter, again.EmbeddingCenter);
    }
}
