using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;
using static VisionTracker.Tests.Tracking.SyntheticScene;

namespace VisionTracker.Tests.Tracking;

public class TrackerScenarioTests
{
    public static TheoryData<string> Trackers() => new() { "attention", "iou" };

    private static ITracker Make(string kind, TrackerOptions? o = null) =>
        kind == "attention" ? new CrossAttentionTracker(o) : new IouTracker(o);

    /// <summary>
    /// Two people walk towards each other along the same line at 10 fps, overlap, then each turns back to where it
    /// came from. Just after the turn the Kalman prediction of each track sits on the other person.
    /// </summary>
    private static List<Obj[]> Crossing()
    {
        var frames = new List<Obj[]>();
        float a = 100, b = 345;
        for (int f = 0; f < 30; f++)
        {
            float va = f < 12 ? 10f : -10f;
            frames.Add([new Obj(1, Person(a, 200)), new Obj(2, Person(b, 210))]);
            a += va;
            b -= va;
        }

        return frames;
    }

    [Fact]
    public void Crossing_IouTrackerLosesIdentity_CrossAttentionKeepsBoth()
    {
        List<Obj[]> frames = Crossing();

        // The boxes do overlap around the meeting point.
        Assert.Contains(frames, f => f[0].Box.IoU(f[1].Box) > 0.5f);

        List<Dictionary<int, int>> iou = Run(new IouTracker(), frames, 10);
        List<Dictionary<int, int>> att = Run(new CrossAttentionTracker(), frames, 10);

        // Cross-attention: each person has exactly one id for the whole run, and the two differ.
        int a1 = att[0][1], a2 = att[0][2];
        Assert.NotEqual(a1, a2);
        Assert.All(att, m => Assert.Equal(a1, m[1]));
        Assert.All(att, m => Assert.Equal(a2, m[2]));

        // IoU: after the turn each Kalman prediction sits on the other person, so the baseline swaps the two ids.
        int i1 = iou[0][1], i2 = iou[0][2];
        Assert.NotEqual(i1, i2);
        Assert.Equal(i2, iou[^1][1]);
        Assert.Equal(i1, iou[^1][2]);
    }

    [Theory]
    [InlineData(MatchNormalization.DualSoftmax)]
    [InlineData(MatchNormalization.Sinkhorn)]
    public void Crossing_OtherNormalizations_AlsoKeepBothIds(MatchNormalization norm)
    {
        List<Dictionary<int, int>> att = Run(new CrossAttentionTracker(TrackerOptions.Default with { Normalization = norm }), Crossing(), 10);
        int a1 = att[0][1], a2 = att[0][2];
        Assert.NotEqual(a1, a2);
        Assert.All(att, m => Assert.Equal(a1, m[1]));
        Assert.All(att, m => Assert.Equal(a2, m[2]));
    }

    [Fact]
    public void Occlusion_OneSecondGapSamePlace_SameIdWithinLostSeconds()
    {
        // A bottle stands still with a second bottle beside it; a hand hides the first for 1 s at 10 fps.
        var frames = new List<Obj[]>();
        for (int f = 0; f < 40; f++)
        {
            bool hidden = f is >= 10 and < 20;
            frames.Add(hidden
                ? [new Obj(2, BoxF.FromCxcywh(400, 200, 30, 80), ClassId: 39)]
                : [new Obj(1, BoxF.FromCxcywh(200, 200, 30, 80), ClassId: 39), new Obj(2, BoxF.FromCxcywh(400, 200, 30, 80), ClassId: 39)]);
        }

        List<Dictionary<int, int>> ids = Run(new CrossAttentionTracker(), frames, 10);
        Assert.Equal(ids[5][1], ids[25][1]);
        Assert.Equal(ids[5][2], ids[25][2]);
        Assert.False(ids[15].ContainsKey(1));
    }

    [Fact]
    public void Refind_AfterOcclusion_AppearanceBeatsNearestNewcomer()
    {
        // A is hidden 0.8 s; then a newcomer C stands where A was, and A comes back 60 px away (no overlap with its
        // old box, inside the widened gate). Attention gives A its old id by appearance; IoU hands it to C.
        BoxF b = BoxF.FromCxcywh(500, 200, 40, 100);
        var frames = new List<Obj[]>();
        for (int f = 0; f < 10; f++)
        {
            frames.Add([new Obj(1, Person(200, 200)), new Obj(2, b)]);
        }

        for (int f = 0; f < 8; f++)
        {
            frames.Add([new Obj(2, b)]);
        }

        for (int f = 0; f < 5; f++)
        {
            frames.Add([new Obj(3, Person(205, 200)), new Obj(1, Person(260, 200)), new Obj(2, b)]);
        }

        var att = Run(new CrossAttentionTracker(), frames, 10);
        var iou = Run(new IouTracker(), frames, 10);
        int idA = att[0][1];
        Assert.Equal(idA, att[^1][1]);
        Assert.NotEqual(idA, att[^1][3]);
        Assert.Equal(iou[0][1], iou[^1][3]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Lifecycle_TentativeConfirmedAfterConfirmHits(string kind)
    {
        var o = TrackerOptions.Default with { ConfirmHits = 3 };
        ITracker t = Make(kind, o);

        // Frame 0 is empty so ConfirmOnFirstFrame does not apply.
        Assert.Equal(0, t.Update(Detections.Empty, 0).Count);
        Assert.Equal(0, t.Update(Frame(1, true, new Obj(1, Person(100, 200))), 0.1).Count);
        Assert.Equal(0, t.Update(Frame(2, true, new Obj(1, Person(102, 200))), 0.2).Count);
        Detections third = t.Update(Frame(3, true, new Obj(1, Person(104, 200))), 0.3);
        Assert.Equal(1, third.Count);
        Assert.Equal(1, third.TrackIds[0]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Lifecycle_TentativeUnmatched_IsRemovedAndIdNotReused(string kind)
    {
        ITracker t = Make(kind);
        t.Update(Detections.Empty, 0);
        t.Update(Frame(1, true, new Obj(1, Person(100, 200))), 0.1);
        t.Update(Detections.Empty, 0.2);
        t.Update(Frame(3, true, new Obj(1, Person(100, 200))), 0.3);
        Detections d = t.Update(Frame(4, true, new Obj(1, Person(100, 200))), 0.4);
        Assert.Equal(2, d.TrackIds[0]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Lifecycle_LostLongerThanLostSeconds_IsRemoved(string kind)
    {
        var o = TrackerOptions.Default with { LostSeconds = 0.5 };
        ITracker t = Make(kind, o);
        Detections first = t.Update(Frame(0, true, new Obj(1, Person(100, 200))), 0);
        Assert.Equal(1, first.TrackIds[0]);

        // Gone for 1 s (> 0.5 s), then back at the same place: a new id.
        for (int f = 1; f <= 10; f++)
        {
            t.Update(Detections.Empty, f * 0.1);
        }

        t.Update(Frame(11, true, new Obj(1, Person(100, 200))), 1.1);
        Detections back = t.Update(Frame(12, true, new Obj(1, Person(100, 200))), 1.2);
        Assert.Equal(2, back.TrackIds[0]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Lifecycle_LostWithinLostSeconds_IsRefound(string kind)
    {
        ITracker t = Make(kind);
        t.Update(Frame(0, true, new Obj(1, Person(100, 200))), 0);
        t.Update(Detections.Empty, 0.1);
        t.Update(Detections.Empty, 0.2);
        Detections back = t.Update(Frame(3, true, new Obj(1, Person(100, 200))), 0.3);
        Assert.Equal(1, back.TrackIds[0]);
    }

    [Fact]
    public void Lifecycle_StateChangesVisibleOnTracks()
    {
        var t = new CrossAttentionTracker(TrackerOptions.Default with { LostSeconds = 0.25 });
        t.Update(Frame(0, true, new Obj(1, Person(100, 200))), 0);
        Assert.Equal(TrackState.Confirmed, Assert.Single(t.Tracks).State);
        t.Update(Detections.Empty, 0.1);
        Assert.Equal(TrackState.Lost, Assert.Single(t.Tracks).State);
        t.Update(Detections.Empty, 0.2);
        t.Update(Detections.Empty, 0.4);
        Assert.Empty(t.Tracks);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void LowScoreDetection_ContinuesTrackButNeverStartsOne(string kind)
    {
        ITracker t = Make(kind);
        t.Update(Frame(0, true, new Obj(1, Person(100, 200))), 0);
        Detections d = t.Update(Frame(1, true, new Obj(1, Person(102, 200), Score: 0.3f), new Obj(2, Person(400, 200), Score: 0.3f)), 0.1);
        Assert.Equal(1, d.Count);
        Assert.Equal(1, d.TrackIds[0]);
        Assert.Equal(Person(102, 200), d.Boxes[0]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void ClassGate_SameBoxDifferentClass_GetsNewTrack(string kind)
    {
        ITracker t = Make(kind, TrackerOptions.Default with { ConfirmHits = 1 });
        t.Update(Frame(0, true, new Obj(1, Person(100, 200), ClassId: 0)), 0);
        Detections d = t.Update(Frame(1, true, new Obj(1, Person(100, 200), ClassId: 2)), 0.1);
        Assert.Equal(2, d.TrackIds[0]);
    }

    [Theory]
    [MemberData(nameof(Trackers))]
    public void Determinism_SameInputTwice_SameIds(string kind)
    {
        List<Obj[]> frames = RandomWalk(7, 60, 8);
        ITracker t = Make(kind);
        var first = Run(t, frames, 10);
        t.Reset();
        var second = Run(t, frames, 10);
        var fresh = Run(Make(kind), frames, 10);
        Assert.Equal(Flatten(first), Flatten(second));
        Assert.Equal(Flatten(first), Flatten(fresh));
    }

    [Fact]
    public void WithoutEmbeddings_GeometryAttentionOff_FallsBackToIouBaselineExactly()
    {
        List<Obj[]> frames = Crossing();
        var att = Run(new CrossAttentionTracker(TrackerOptions.Default with { AttentionWithoutEmbeddings = false }), frames, 10, withEmbeddings: false);
        var iou = Run(new IouTracker(), frames, 10, withEmbeddings: false);
        Assert.Equal(Flatten(iou), Flatten(att));
    }

    [Fact]
    public void WithoutEmbeddings_GeometryAttentionDefault_TracksSeparatedObjects()
    {
        List<Obj[]> frames = RandomWalk(5, 40, 4);
        Assert.True(TrackerOptions.Default.AttentionWithoutEmbeddings);
        var ids = Run(new CrossAttentionTracker(), frames, 10, withEmbeddings: false);

        // Well-separated slow objects: one id per object for the whole run.
        for (int k = 1; k <= 4; k++)
        {
            int first = ids[0][k];
            Assert.All(ids, m => Assert.Equal(first, m[k]));
        }
    }

    [Fact]
    public void Reset_RestartsIdsAtOne()
    {
        var t = new CrossAttentionTracker();
        t.Update(Frame(0, true, new Obj(1, Person(100, 200)), new Obj(2, Person(300, 200))), 0);
        t.Reset();
        Detections d = t.Update(Frame(0, true, new Obj(1, Person(500, 200))), 0);
        Assert.Equal(1, d.TrackIds[0]);
    }

    [Fact]
    public void Options_Invalid_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new CrossAttentionTracker(TrackerOptions.Default with { Temperature = 0 }));
        Assert.Contains("Temperature", ex.Message, StringComparison.Ordinal);
    }

    private static List<Obj[]> RandomWalk(int seed, int frames, int objects)
    {
        var rng = new Random(seed);
        var pos = Enumerable.Range(0, objects).Select(i => (x: 80f + (150f * i), y: 200f + (float)(rng.NextDouble() * 50))).ToArray();
        var list = new List<Obj[]>();
        for (int f = 0; f < frames; f++)
        {
            var objs = new Obj[objects];
            for (int i = 0; i < objects; i++)
            {
                pos[i] = (pos[i].x + (float)((rng.NextDouble() - 0.5) * 8), pos[i].y + (float)((rng.NextDouble() - 0.5) * 8));
                objs[i] = new Obj(i + 1, Person(pos[i].x, pos[i].y), 0.65f + (0.3f * (float)rng.NextDouble()));
            }

            list.Add(objs);
        }

        return list;
    }

    private static List<(int, int, int)> Flatten(List<Dictionary<int, int>> ids) =>
        ids.SelectMany((m, f) => m.OrderBy(kv => kv.Key).Select(kv => (f, kv.Key, kv.Value))).ToList();
}
