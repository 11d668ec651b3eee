using System.Text.Json;
using VisionTracker.Geometry;
using VisionTracker.Shelf;
using static VisionTracker.Tests.Shelf.ShelfScene;

namespace VisionTracker.Tests.Shelf;

/// <summary>Capture and restore of a <see cref="ZoneMonitor"/> (a camera taken over by another worker continues its counts).</summary>
public class ZoneMonitorSnapshotTests
{
    private static readonly SceneObject[] ThreeBottles = [Standing(1, 100), Standing(2, 300), Standing(3, 500)];

    /// <summary>Serialises and parses back, as the cluster does through its KV bucket.</summary>
    private static ZoneMonitorSnapshot RoundTrip(ZoneMonitorSnapshot s) =>
        JsonSerializer.Deserialize<ZoneMonitorSnapshot>(JsonSerializer.Serialize(s))!;

    [Fact]
    public void Restored_counts_continue_without_a_warm_up_and_a_change_is_reported_against_them()
    {
        var before = new ShelfScene(new ZoneMonitor([ShelfZone()])).Run(2.0, ThreeBottles);
        Assert.Equal(3, before.Monitor.CountOf("shelf", Bottle));
        var snap = RoundTrip(before.Monitor.Capture());
        Assert.Equal([1, 2, 3], snap.Zones[0].Classes.Single(c => c.ClassId == Bottle).Members);

        // A new process: stream time and frame numbers start again at 0; only two bottles are there now.
        var monitor = new ZoneMonitor([ShelfZone()]);
        monitor.Restore(snap);
        Assert.Equal(3, monitor.CountOf("shelf", Bottle));
        var after = new ShelfScene(monitor).Run(3.0, Standing(1, 100), Standing(3, 500));

        // The count went on from 3: bottle 2 is reported taken (after its hold and the stable time), count 2.
        var taken = Assert.Single(after.OfKind(ShelfEventKind.Taken));
        Assert.Equal(2, taken.TrackId);
        Assert.Equal(2, taken.CountAfter);
        Assert.Equal(2, monitor.CountOf("shelf", Bottle));

        // Without the restore the same frames are a silent warm-up at 2.
        var fresh = new ShelfScene(new ZoneMonitor([ShelfZone()])).Run(3.0, Standing(1, 100), Standing(3, 500));
        Assert.Empty(fresh.Events);
    }

    [Fact]
    public void Restored_count_holds_when_the_same_items_are_seen_again()
    {
        var before = new ShelfScene(new ZoneMonitor([ShelfZone()])).Run(2.0, ThreeBottles);
        var monitor = new ZoneMonitor([ShelfZone()]);
        monitor.Restore(RoundTrip(before.Monitor.Capture()));
        var after = new ShelfScene(monitor).Run(2.0, ThreeBottles);
        Assert.Empty(after.Events);
        Assert.Equal(3, monitor.CountOf("shelf", Bottle));
    }

    [Fact]
    public void Restored_visit_keeps_its_start_so_a_threshold_dwell_counts_the_time_before()
    {
        static Zone Area() => new("aisle", ZoneKind.Area, Polygon.FromBox(new BoxF(0, 0, 640, 480)), [Person], 0.5, 1.0, 2.0, DwellReport.OnThreshold);
        var walker = new SceneObject(7, Person, new BoxF(100, 100, 160, 300));
        var before = new ShelfScene(new ZoneMonitor([Area()])).Run(1.5, walker);
        Assert.Empty(before.Events);
        var snap = RoundTrip(before.Monitor.Capture());
        var visit = Assert.Single(snap.Zones[0].Visits);
        Assert.Equal(7, visit.TrackId);

        var monitor = new ZoneMonitor([Area()]);
        monitor.Restore(snap);
        var after = new ShelfScene(monitor).Run(1.0, walker);

        // 1.5 s before the takeover plus about 0.5 s after: the dwell fires at 2 s of visit, not 2 s after the takeover.
        var dwell = Assert.Single(after.OfKind(ShelfEventKind.Dwell));
        Assert.Equal(7, dwell.TrackId);
        Assert.True(dwell.TimestampSeconds < 0.7, $"dwell at {dwell.TimestampSeconds:0.00} s after the restore");
        Assert.True(dwell.DurationSeconds >= 2.0);
    }

    [Fact]
    public void Zones_not_in_the_snapshot_start_fresh_and_unknown_ones_are_ignored()
    {
        var before = new ShelfScene(new ZoneMonitor([ShelfZone(name: "old")])).Run(2.0, ThreeBottles);
        var monitor = new ZoneMonitor([ShelfZone()]);
        monitor.Restore(RoundTrip(before.Monitor.Capture()));
        var after = new ShelfScene(monitor).Run(2.0, Standing(1, 100));
        Assert.Empty(after.Events);
        Assert.Equal(1, monitor.CountOf("shelf", Bottle));
    }
}
