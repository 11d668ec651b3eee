using VisionTracker.Shelf;
using static VisionTracker.Tests.Shelf.ShelfScene;

namespace VisionTracker.Tests.Shelf;

public class BottleTimelineTests
{
    [Fact]
    public void Timeline_PerSecondTableAgreesWithTheChanges()
    {
        Assert.Equal(40, BottleTimeline.PerSecond.Count);
        for (int s = 0; s < BottleTimeline.PerSecond.Count; s++)
        {
            Assert.Equal(BottleTimeline.PerSecond[s], BottleTimeline.CountAt(s));
        }

        int count = BottleTimeline.InitialCount;
        double last = 0;
        foreach (var c in BottleTimeline.Changes)
        {
            Assert.Equal(count, c.From);
            Assert.True(c.Seconds > last && c.Seconds < BottleTimeline.DurationSeconds);
            Assert.InRange(c.To, 0, 3);
            count = c.To;
            last = c.Seconds;
        }
    }

    [Fact]
    public void Timeline_HandOcclusionsNeverSpanAChange()
    {
        foreach (var o in BottleTimeline.HandOcclusions)
        {
            int at = BottleTimeline.CountAt(o.StartSeconds);
            for (double t = o.StartSeconds; t < o.EndSeconds; t += 0.05)
            {
                Assert.Equal(at, BottleTimeline.CountAt(t));
            }
        }
    }

    /// <summary>
    /// Replays the timeline as a tracker might report it: bottles lifted are seen in the air for 0.4 s and then leave
    /// the frame, bottles put back come back with new track ids, and while a hand covers a bottle the detector finds it
    /// in only one frame of three. The debounced table count must follow the timeline except just after each change.
    /// </summary>
    [Fact]
    public void Monitor_OnAScriptedReplayOfTheTimeline_FollowsItWithOnlyTheDebounceLag()
    {
        var table = ZoneFile.Load(Path.Combine(Infrastructure.TestData.RepoRoot, "samples", "zones", "bottle-detection.json"), 640, 360)[0];
        var scene = new ShelfScene(new ZoneMonitor([table]), fps: 29.83);
        float[] xs = [90, 316, 540];
        int[] ids = [1, 2, 3];
        int nextId = 4;
        var standing = new bool[] { true, true, true };
        double[] liftedAt = [-1, -1, -1];

        // Which positions change at each timeline change.
        var positions = new Dictionary<string, int[]> { ["left"] = [0], ["middle"] = [1], ["right"] = [2], ["left+middle"] = [0, 1] };
        int frame = 0;
        var agree = new List<bool>();
        while (scene.Now < BottleTimeline.DurationSeconds)
        {
            double t = scene.Now;
            foreach (var c in BottleTimeline.Changes.Where(c => c.Seconds <= t && c.Seconds > t - (1 / 29.83)))
            {
                foreach (int p in positions[c.Bottles])
                {
                    standing[p] = c.To > c.From;
                    if (standing[p])
                    {
                        ids[p] = nextId++;
                    }
                    else
                    {
                        liftedAt[p] = t;
                    }
                }
            }

            var objects = new List<SceneObject>();
            for (int p = 0; p < 3; p++)
            {
                var box = new VisionTracker.Geometry.BoxF(xs[p] - 30, 108, xs[p] + 30, 311);
                bool occluded = BottleTimeline.HandOcclusions.Any(o => o.Bottle.Contains(p == 0 ? "left" : p == 1 ? "middle" : "right", StringComparison.Ordinal) && t >= o.StartSeconds && t < o.EndSeconds);
                if (standing[p] && (!occluded || frame % 3 == 0))
                {
                    objects.Add(new SceneObject(ids[p], Bottle, box));
                }
                else if (!standing[p] && t - liftedAt[p] < 0.4)
                {
                    objects.Add(new SceneObject(ids[p], Bottle, box with { Y1 = 20, Y2 = 240 }));
                }
            }

            scene.Step(objects);
            frame++;
            if (t > 0.6 && !BottleTimeline.Changes.Any(c => t >= c.Seconds && t < c.Seconds + 0.6))
            {
                agree.Add(scene.Monitor.CountOf("table", Bottle) == BottleTimeline.CountAt(t));
            }
        }

        Assert.All(agree, Assert.True);
        var kinds = scene.Events.Where(e => e.Kind is ShelfEventKind.Taken or ShelfEventKind.Returned).Select(e => e.Kind).ToList();
        Assert.Equal(4, kinds.Count(k => k == ShelfEventKind.Taken));    // 1 + 2 + 1
        Assert.Equal(4, kinds.Count(k => k == ShelfEventKind.Returned)); // 1 + 1 + 1 + 1
        Assert.DoesNotContain(scene.Events, e => e.Kind is ShelfEventKind.Empty or ShelfEventKind.Restocked);

        // Back-dated: each change's events are dated within 0.1 s (3 frames; a hand on a returned bottle hides it in
        // 2 frames of 3) of the change, although each was confirmed at least minStable (0.5 s) later.
        var dated = scene.Events.Where(e => e.Kind is ShelfEventKind.Taken or ShelfEventKind.Returned).ToList();
        foreach (var c in BottleTimeline.Changes)
        {
            var near = dated.Where(e => Math.Abs(e.TimestampSeconds - c.Seconds) <= 0.1).ToList();
            Assert.True(near.Count == Math.Abs(c.To - c.From), $"{c.Seconds} s: {near.Count} events dated near it");
            Assert.All(near, e => Assert.True(e.ConfirmedAfterSeconds >= 0.5 - 1e-9, $"{e.KindName} at {e.TimestampSeconds} confirmed after {e.ConfirmedAfterSeconds}"));
            Assert.Equal(c.To, near[^1].CountAfter);
        }
    }
}
