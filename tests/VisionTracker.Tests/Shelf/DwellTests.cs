using VisionTracker.Geometry;
using VisionTracker.Shelf;
using static VisionTracker.Tests.Shelf.ShelfScene;

namespace VisionTracker.Tests.Shelf;

public class DwellTests
{
    private const double Frame = 1.0 / 30.0;

    // Aisle: x 200..400 of a 640x360 frame.
    private static Zone Aisle(double dwell = 2.0, DwellReport report = DwellReport.OnExit, double hold = 1.0) =>
        new("aisle", ZoneKind.Area, Polygon.FromBox(new BoxF(200, 0, 400, 360)), [Person], 0.5, hold, dwell, report);

    private static SceneObject In(int id, int cls = Person) => new(id, cls, new BoxF(260, 60, 340, 300));

    private static SceneObject Out(int id) => new(id, Person, new BoxF(500, 60, 580, 300));

    [Fact]
    public void OnExit_OneEventPerVisitWithItsDuration()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle()]));
        s.Run(1.0, Out(5)).Run(3.0, In(5)).Run(2.0, Out(5));

        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Dwell, e.Kind);
        Assert.Equal("aisle", e.Zone);
        Assert.Equal(5, e.TrackId);
        Assert.Equal("person", e.ClassName);
        Assert.InRange(e.DurationSeconds!.Value, 3.0 - (2 * Frame), 3.0);

        // Reported once the person has been out for longer than the hold.
        Assert.InRange(e.TimestampSeconds, 4.0 + 1.0 - Frame, 4.0 + 1.0 + (2 * Frame));
    }

    [Fact]
    public void OnExit_ShortVisit_NoEvent()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle(dwell: 2.0)]));
        s.Run(1.5, In(5)).Run(2.0, Out(5)).Flush();
        Assert.Empty(s.Events);
    }

    [Fact]
    public void OnExit_ShortGapWithinHold_IsOneVisit()
    {
        // Stepping out (or being hidden) for 0.4 s keeps the visit going.
        var s = new ShelfScene(new ZoneMonitor([Aisle(hold: 1.0)]));
        s.Run(1.5, In(5)).Run(0.4, Out(5)).Run(1.5, In(5)).Run(2.0, Out(5));
        var e = Assert.Single(s.Events);
        Assert.InRange(e.DurationSeconds!.Value, 3.4 - (2 * Frame), 3.4);
    }

    [Fact]
    public void OnExit_TwoVisits_TwoEvents()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle(hold: 1.0)]));
        s.Run(2.5, In(5)).Run(2.0, Out(5)).Run(3.0, In(5)).Run(2.0, Out(5));
        Assert.Equal(2, s.Events.Count);
        Assert.All(s.Events, e => Assert.Equal(5, e.TrackId));
        Assert.InRange(s.Events[0].DurationSeconds!.Value, 2.5 - (2 * Frame), 2.5);
        Assert.InRange(s.Events[1].DurationSeconds!.Value, 3.0 - (2 * Frame), 3.0);
    }

    [Fact]
    public void OnExit_VisitOpenAtEndOfStream_ReportedByFlush()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle()]));
        s.Run(4.0, In(5), In(6), Out(7));
        Assert.Empty(s.Events);
        s.Flush();
        Assert.Equal([5, 6], s.Events.Select(e => e.TrackId!.Value));
        Assert.All(s.Events, e => Assert.InRange(e.DurationSeconds!.Value, 4.0 - (2 * Frame), 4.0));
        Assert.All(s.Events, e => Assert.Equal(2, e.CountAfter)); // occupancy
    }

    [Fact]
    public void OnThreshold_OneEventWhenTheThresholdPasses()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle(dwell: 2.0, report: DwellReport.OnThreshold)]));
        s.Run(1.0, Out(5)).Run(5.0, In(5)).Run(2.0, Out(5)).Flush();
        var e = Assert.Single(s.Events);
        Assert.InRange(e.DurationSeconds!.Value, 2.0, 2.0 + Frame + 1e-9);
        Assert.InRange(e.TimestampSeconds, 3.0, 3.0 + Frame + 1e-9);
    }

    [Fact]
    public void ClassFilter_OtherClassesDoNotDwell()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle()]));
        s.Run(4.0, In(5, cls: Bottle)).Flush();
        Assert.Empty(s.Events);
    }

    [Fact]
    public void AreaZone_KeepsOccupancyButEmitsNoCountEvents()
    {
        var s = new ShelfScene(new ZoneMonitor([Aisle(dwell: 10)]));
        s.Run(1.0, Out(5)).Run(1.0, In(5), In(6)).Run(1.0, Out(5), Out(6));
        Assert.Empty(s.Events);
        s.Run(0.1, In(5), In(6));
        s.Run(1.0, In(5), In(6));
        Assert.Equal(2, s.Monitor.CountOf("aisle", Person));
    }
}
