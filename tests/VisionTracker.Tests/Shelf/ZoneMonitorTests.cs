using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Shelf;
using static VisionTracker.Tests.Shelf.ShelfScene;

namespace VisionTracker.Tests.Shelf;

public class ZoneMonitorTests
{
    private const double Frame = 1.0 / 30.0;

    private static readonly SceneObject[] ThreeBottles = [Standing(1, 100), Standing(2, 300), Standing(3, 500)];

    private static ShelfScene NewScene(double minStable = 0.5, double hold = 1.0, bool withTrackIds = true) =>
        new(new ZoneMonitor([ShelfZone(minStable, hold)]), withTrackIds: withTrackIds);

    [Fact]
    public void Start_ItemsAlreadyOnTheShelf_SetTheCountWithoutEvents()
    {
        var s = NewScene().Run(2.0, ThreeBottles);
        Assert.Empty(s.Events);
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));
        Assert.Equal(0, s.Monitor.CountOf("shelf", Cup));
    }

    [Fact]
    public void Start_DuringWarmUp_ReportsTheRawCount()
    {
        var s = NewScene();
        s.Step(ThreeBottles);
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));
        Assert.Equal(3, s.Monitor.Snapshot()[0].Counts[Bottle]);
        Assert.Empty(s.Events);
    }

    public static TheoryData<string, double, double, double, int> DropoutCases => new()
    {
        // how bottle 2 disappears, for how long (s), minStable, hold -> expected taken (= returned) events
        { "vanish", 0.2, 0.5, 0.0, 0 },  // a hand passes in front: shorter than minStable
        { "lift", 0.2, 0.5, 1.0, 0 },    // lifted and put straight back
        { "vanish", 0.8, 0.5, 1.0, 0 },  // lost behind a hand for longer than minStable, but within the hold
        { "vanish", 1.2, 0.5, 1.0, 0 },  // hold ran out 0.2 s before it came back: still under minStable
        { "vanish", 0.8, 0.5, 0.0, 1 },  // no hold: a sustained loss is a taken, its return a returned
        { "lift", 0.8, 0.5, 1.0, 1 },    // lifted (seen outside the zone) for longer than minStable
        { "lift", 3.0, 0.5, 1.0, 1 },
        { "vanish", 3.0, 0.5, 1.0, 1 },
        { "lift", 0.2, 0.0, 1.0, 1 },    // no debouncing: every dip is a pair
    };

    [Theory]
    [MemberData(nameof(DropoutCases))]
    public void Dropout_OnlySustainedChangesMakeEvents(string how, double seconds, double minStable, double hold, int expectedPairs)
    {
        var s = NewScene(minStable, hold).Run(2.0, ThreeBottles);
        var away = how == "lift" ? new[] { Standing(1, 100), Lifted(2, 300), Standing(3, 500) } : [Standing(1, 100), Standing(3, 500)];
        s.Run(seconds, away).Run(3.0, ThreeBottles);

        Assert.Equal(expectedPairs, s.OfKind(ShelfEventKind.Taken).Count());
        Assert.Equal(expectedPairs, s.OfKind(ShelfEventKind.Returned).Count());
        Assert.All(s.OfKind(ShelfEventKind.Taken), e => Assert.Equal(2, e.TrackId));
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));
        Assert.DoesNotContain(s.Events, e => e.Kind is ShelfEventKind.Empty or ShelfEventKind.Restocked);
    }

    [Fact]
    public void Taken_SustainedLift_DatedAtTheLiftAndConfirmedAfterMinStable()
    {
        var s = NewScene(minStable: 0.5).Run(2.0, ThreeBottles);
        double liftedAt = s.Now;
        long liftedFrame = s.Frame;
        s.Run(3.0, Standing(1, 100), Lifted(2, 300), Standing(3, 500));

        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Taken, e.Kind);
        Assert.Equal("shelf", e.Zone);
        Assert.Equal(Bottle, e.ClassId);
        Assert.Equal("bottle", e.ClassName);
        Assert.Equal(2, e.TrackId);
        Assert.Equal(2, e.CountAfter);

        // Dated at the first frame without the bottle, not at the end of the debounce.
        Assert.Equal(liftedFrame, e.FrameIndex);
        Assert.Equal(liftedAt, e.TimestampSeconds, 9);
        Assert.InRange(e.ConfirmedTimestampSeconds, liftedAt + 0.5 - 1e-9, liftedAt + 0.5 + Frame + 1e-9);
        Assert.Equal((long)Math.Round(e.ConfirmedTimestampSeconds * 30), e.ConfirmedFrameIndex);
        Assert.Equal(e.ConfirmedTimestampSeconds - e.TimestampSeconds, e.ConfirmedAfterSeconds, 9);
        Assert.InRange(e.ConfirmedAfterSeconds, 0.5 - 1e-9, 0.5 + Frame + 1e-9);
        Assert.Null(e.DurationSeconds);
        Assert.Equal(2, s.Monitor.CountOf("shelf", Bottle));
    }

    [Fact]
    public void Taken_VanishedTrack_DatedAtItsFirstMissingFrame_ConfirmedAfterHoldPlusMinStable()
    {
        var s = NewScene(minStable: 0.5, hold: 1.0).Run(2.0, ThreeBottles);
        double lastSeen = s.Now - Frame;
        long firstMissing = s.Frame;
        s.Run(4.0, Standing(1, 100), Standing(3, 500));

        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Taken, e.Kind);
        Assert.Equal(2, e.TrackId);
        Assert.Equal(firstMissing, e.FrameIndex);
        Assert.InRange(e.ConfirmedTimestampSeconds, lastSeen + 1.5 - 1e-9, lastSeen + 1.5 + (2 * Frame));
        Assert.InRange(e.ConfirmedAfterSeconds, 1.5 - Frame - 1e-9, 1.5 + Frame + 1e-9);
    }

    [Fact]
    public void Returned_DatedAtTheTracksFirstFrameInTheZone()
    {
        var s = NewScene(minStable: 0.5).Run(2.0, Standing(1, 100), Standing(3, 500)).Run(0.5, Standing(1, 100), Lifted(2, 300), Standing(3, 500));
        long setDown = s.Frame;
        s.Run(2.0, ThreeBottles);
        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Returned, e.Kind);
        Assert.Equal(setDown, e.FrameIndex);
        Assert.InRange(e.ConfirmedFrameIndex, setDown + 15, setDown + 16); // minStable 0.5 s = 15 frames
    }

    [Fact]
    public void TwoTakenTogether_TwoEventsWithBothTracksAndFallingCounts()
    {
        var s = NewScene().Run(2.0, ThreeBottles).Run(2.0, Lifted(1, 100), Lifted(2, 300), Standing(3, 500));
        var taken = s.OfKind(ShelfEventKind.Taken).ToList();
        Assert.Equal(2, taken.Count);
        Assert.Equal([1, 2], taken.Select(e => e.TrackId!.Value).Order());
        Assert.Equal([2, 1], taken.Select(e => e.CountAfter));
        Assert.Equal(taken[0].FrameIndex, taken[1].FrameIndex);
        Assert.Equal(taken[0].ConfirmedFrameIndex, taken[1].ConfirmedFrameIndex);
        Assert.Equal(2, s.Events.Count);
    }

    [Fact]
    public void TwoTakenWithinTheDebounce_OneConfirmation_EachDatedAtItsOwnLift()
    {
        // Bottle 1 is lifted, bottle 2 0.3 s later: the count goes 3 -> 2 -> 1 before 2 was stable, so both are
        // confirmed together, but each taken keeps its own time and the counts fall in that order.
        var s = NewScene(minStable: 0.5).Run(2.0, ThreeBottles);
        long first = s.Frame;
        s.Run(0.3, Lifted(1, 100), Standing(2, 300), Standing(3, 500));
        long second = s.Frame;
        s.Run(2.0, Lifted(1, 100), Lifted(2, 300), Standing(3, 500));

        var taken = s.OfKind(ShelfEventKind.Taken).ToList();
        Assert.Equal([(1, first, 2), (2, second, 1)], taken.Select(e => (e.TrackId!.Value, e.FrameIndex, e.CountAfter)));
        Assert.Equal(taken[0].ConfirmedFrameIndex, taken[1].ConfirmedFrameIndex);
        Assert.InRange(taken[1].ConfirmedFrameIndex, second + 15, second + 16);
    }

    [Fact]
    public void TakenAndArrivalInOneDebounce_NamesAndDatesTheItemThatLeftFirst()
    {
        // Bottle 2 is lifted; 0.2 s later bottle 1 is lifted as bottle 4 is put down, so the count stays 2. One taken,
        // naming bottle 2 at its lift (not bottle 1, whose departure came after the count had already changed).
        var s = NewScene(minStable: 0.5).Run(2.0, ThreeBottles);
        long first = s.Frame;
        s.Run(0.2, Standing(1, 100), Lifted(2, 300), Standing(3, 500));
        s.Run(2.0, Lifted(1, 100), Lifted(2, 300), Standing(3, 500), Standing(4, 400));
        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Taken, e.Kind);
        Assert.Equal(2, e.TrackId);
        Assert.Equal(first, e.FrameIndex);
    }

    [Fact]
    public void BackDating_NeverGoesBeforeThePreviousEventOfTheZoneAndClass()
    {
        // Bottle 2 vanishes (held for 1 s), then bottle 1 is lifted 0.3 s later. Bottle 1's taken is confirmed first;
        // bottle 2's comes after its hold and would date from before it, so it is dated at bottle 1's time instead:
        // in arrival order, the zone's times never go backwards and the counts replay the count.
        var s = NewScene(minStable: 0.5, hold: 1.0).Run(2.0, ThreeBottles);
        s.Run(0.3, Standing(1, 100), Standing(3, 500));
        long lift = s.Frame;
        s.Run(3.0, Lifted(1, 100), Standing(3, 500));

        var taken = s.OfKind(ShelfEventKind.Taken).ToList();
        Assert.Equal([1, 2], taken.Select(e => e.TrackId!.Value));
        Assert.Equal([2, 1], taken.Select(e => e.CountAfter));
        Assert.Equal([lift, lift], taken.Select(e => e.FrameIndex));
        Assert.True(taken[1].ConfirmedFrameIndex > taken[0].ConfirmedFrameIndex);
        Assert.True(taken[1].ConfirmedAfterSeconds > 1.0);
    }

    [Fact]
    public void TakeAll_EmptyDatedAtTheLastTaken_RestockedAtTheFirstReturned()
    {
        var s = NewScene().Run(2.0, ThreeBottles);
        long gone = s.Frame;
        s.Run(2.0, Lifted(1, 100), Lifted(2, 300), Lifted(3, 500));
        Assert.Equal(ShelfEventKind.Empty, s.Events[^1].Kind);
        Assert.All(s.Events, e => Assert.Equal(gone, e.FrameIndex));
        s.Events.Clear();
        long back = s.Frame;
        s.Run(2.0, Standing(2, 300), Lifted(1, 100), Lifted(3, 500));
        Assert.Equal([ShelfEventKind.Returned, ShelfEventKind.Restocked], s.Events.Select(e => e.Kind));
        Assert.All(s.Events, e => Assert.Equal(back, e.FrameIndex));
    }

    [Fact]
    public void Returned_TrackStartedLate_ArrivalTracedBackThroughUntrackedDetections()
    {
        // The bottle is lowered for 0.3 s (its base inside the zone but still moving), stands for 1 s with a hand on it
        // while the tracker has no track (only low-score detections), then is tracked. The return is dated when it
        // came to rest, not when the track started nor while it was still moving.
        var s = NewScene(minStable: 0.5).Run(2.0, Standing(1, 100), Standing(3, 500));
        var two = new[] { Standing(1, 100), Standing(3, 500) };
        for (int k = 0; k < 9; k++)
        {
            float down = 6 * (9 - k); // 6 px per frame, the last frame 6 px above where it comes to rest
            var lowered = Standing(0, 300) with { Box = Standing(0, 300).Box with { Y1 = 100 - down, Y2 = 250 - down } };
            s.Step(two, [lowered]);
        }

        long rest = s.Frame;
        for (int k = 0; k < 30; k++)
        {
            s.Step(two, [Standing(0, 301)]);
        }

        long tracked = s.Frame;
        for (int k = 0; k < 30; k++)
        {
            s.Step([.. two, Standing(2, 300)], []);
        }

        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Returned, e.Kind);
        Assert.Equal(rest, e.FrameIndex);
        Assert.InRange(e.ConfirmedFrameIndex, tracked + 15, tracked + 16);
        Assert.InRange(e.ConfirmedAfterSeconds, 1.5 - 1e-9, 1.5 + Frame + 1e-9);

        // Without detections (or with tracing off) the same return is dated when its track started.
        var plain = new ShelfScene(new ZoneMonitor([ShelfZone()], arrivalLookBackSeconds: 0)).Run(2.0, two);
        for (int k = 0; k < 39; k++)
        {
            plain.Step(two, [Standing(0, 301)]);
        }

        plain.Run(1.0, [.. two, Standing(2, 300)]);
        Assert.Equal(tracked, Assert.Single(plain.Events).FrameIndex);
    }

    [Fact]
    public void Returned_TraceIsBoundedByTheLookBack_AndIgnoresOtherPlaces()
    {
        var s = new ShelfScene(new ZoneMonitor([ShelfZone()], arrivalLookBackSeconds: 0.5)).Run(2.0, Standing(1, 100), Standing(3, 500));
        var two = new[] { Standing(1, 100), Standing(3, 500) };
        for (int k = 0; k < 60; k++)
        {
            s.Step(two, [Standing(0, 301), Standing(0, 420)]);
        }

        long tracked = s.Frame;
        s.Run(1.0, [.. two, Standing(2, 300)]);
        var e = Assert.Single(s.Events);
        Assert.Equal(tracked - 15, e.FrameIndex); // 0.5 s of the 2 s it stood untracked

        Assert.Throws<ArgumentException>(() => new ZoneMonitor([ShelfZone()], arrivalLookBackSeconds: -1));
    }

    [Fact]
    public void WithoutTrackIds_EventDatedAtTheFirstFrameOfTheStableNewCount()
    {
        var s = NewScene(withTrackIds: false).Run(2.0, ThreeBottles);
        long change = s.Frame;
        s.Run(0.2, Standing(1, 100), Standing(3, 500)).Run(0.1, ThreeBottles); // a dip shorter than minStable
        long stable = s.Frame;
        s.Run(2.0, Standing(1, 100), Standing(3, 500));
        var e = Assert.Single(s.Events);
        Assert.True(stable > change);
        Assert.Equal(stable, e.FrameIndex);
        Assert.InRange(e.ConfirmedFrameIndex, stable + 15, stable + 16);
    }

    [Fact]
    public void TakeAllThenReturnOne_EmptyThenRestocked()
    {
        var s = NewScene().Run(2.0, ThreeBottles).Run(2.0, Lifted(1, 100), Lifted(2, 300), Lifted(3, 500));
        Assert.Equal(
            [ShelfEventKind.Taken, ShelfEventKind.Taken, ShelfEventKind.Taken, ShelfEventKind.Empty],
            s.Events.Select(e => e.Kind));
        Assert.Equal([2, 1, 0, 0], s.Events.Select(e => e.CountAfter));
        Assert.Null(s.Events[^1].TrackId);
        Assert.Equal(0, s.Monitor.CountOf("shelf", Bottle));

        s.Events.Clear();
        s.Run(2.0, Standing(2, 300), Lifted(1, 100), Lifted(3, 500));
        Assert.Equal([ShelfEventKind.Returned, ShelfEventKind.Restocked], s.Events.Select(e => e.Kind));
        Assert.Equal(2, s.Events[0].TrackId);
        Assert.Equal([1, 1], s.Events.Select(e => e.CountAfter));
    }

    [Fact]
    public void EmptyShelfAtStart_FirstItemIsReturnedAndRestocked()
    {
        var s = NewScene().Run(2.0, Lifted(7, 100)).Run(2.0, Standing(7, 100));
        Assert.Equal([ShelfEventKind.Returned, ShelfEventKind.Restocked], s.Events.Select(e => e.Kind));
        Assert.Equal(7, s.Events[0].TrackId);
    }

    [Fact]
    public void Returned_NewTrackArrives_OneEventWithItsId()
    {
        var s = NewScene().Run(2.0, Standing(1, 100), Standing(3, 500)).Run(2.0, ThreeBottles);
        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Returned, e.Kind);
        Assert.Equal(2, e.TrackId);
        Assert.Equal(3, e.CountAfter);
    }

    [Theory]
    [InlineData(0.0)]  // the new id appears in the very next frame
    [InlineData(0.3)]  // after a short gap
    public void IdSwitch_SameItemNewTrackId_NoEvents(double gap)
    {
        // Track 2 is lost and re-found as track 12 at the same place: the held track is superseded, not added.
        var s = NewScene(hold: 1.0).Run(2.0, ThreeBottles);
        if (gap > 0)
        {
            s.Run(gap, Standing(1, 100), Standing(3, 500));
        }

        s.Run(3.0, Standing(1, 100), Standing(12, 302), Standing(3, 500));
        Assert.Empty(s.Events);
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));

        // Later, taking the re-found bottle names its new id.
        s.Run(2.0, Standing(1, 100), Lifted(12, 302), Standing(3, 500));
        Assert.Equal(12, Assert.Single(s.Events).TrackId);
    }

    [Fact]
    public void FlickeringDetection_EveryOtherFrame_NoEvents()
    {
        // A hand over the cap: the detector finds the bottle only every other frame for 2 s.
        var s = NewScene(minStable: 0.5, hold: 1.0).Run(2.0, ThreeBottles);
        int k = 0;
        s.Run(2.0, _ => k++ % 2 == 0 ? ThreeBottles : [Standing(1, 100), Standing(3, 500)]);
        s.Run(1.0, ThreeBottles);
        Assert.Empty(s.Events);
    }

    [Fact]
    public void ClassFilter_UncountedClassesIgnored_CountedClassesKeptApart()
    {
        var person = new SceneObject(9, Person, new BoxF(250, 0, 350, 260)); // feet on the shelf strip
        var s = NewScene().Run(2.0, [.. ThreeBottles, person]);
        Assert.Empty(s.Events);
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));
        Assert.Throws<ArgumentException>(() => s.Monitor.CountOf("shelf", Person));

        s.Run(2.0, [.. ThreeBottles, Standing(4, 400, Cup)]);
        var e = Assert.Single(s.Events, x => x.Kind == ShelfEventKind.Returned);
        Assert.Equal(Cup, e.ClassId);
        Assert.Equal("cup", e.ClassName);
        Assert.Equal(1, e.CountAfter);
        Assert.Equal(3, s.Monitor.CountOf("shelf", Bottle));
        Assert.Equal(1, s.Monitor.CountOf("shelf", Cup));
        Assert.Contains(s.Events, x => x.Kind == ShelfEventKind.Restocked && x.ClassId == Cup);
        Assert.DoesNotContain(s.Events, x => x.ClassId == Bottle);
    }

    [Fact]
    public void WithoutTrackIds_CountsStillWork_EventsHaveNoTrackId()
    {
        var s = NewScene(withTrackIds: false).Run(2.0, ThreeBottles).Run(2.0, Standing(1, 100), Standing(3, 500));
        var e = Assert.Single(s.Events);
        Assert.Equal(ShelfEventKind.Taken, e.Kind);
        Assert.Null(e.TrackId);
        Assert.Equal(2, e.CountAfter);
    }

    [Fact]
    public void Anchor_ShelfUsesBottomCentre_AreaUsesCentre()
    {
        var region = Polygon.FromBox(new BoxF(0, 0, 100, 100));
        var shelf = new Zone("s", ZoneKind.Shelf, region, [Bottle]);
        var area = new Zone("a", ZoneKind.Area, region, [Person]);
        var box = new BoxF(40, 50, 60, 140); // centre (50,95) inside; bottom-centre (50,140) outside
        Assert.Equal(new PointF(50, 140), shelf.AnchorOf(box));
        Assert.Equal(new PointF(50, 95), area.AnchorOf(box));
        Assert.False(shelf.Contains(box));
        Assert.True(area.Contains(box));
        Assert.True(shelf.Contains(new BoxF(40, 0, 60, 100))); // bottom exactly on the edge counts as inside
    }

    [Fact]
    public void Snapshot_GivesPixelPolygonsAndCurrentCounts()
    {
        var s = NewScene().Run(2.0, ThreeBottles);
        var snap = Assert.Single(s.Monitor.Snapshot());
        Assert.Equal("shelf", snap.Zone.Name);
        Assert.Equal(new BoxF(0, 200, 640, 300), snap.Zone.Polygon.Bounds);
        Assert.Equal(3, snap.Counts[Bottle]);
        Assert.Equal(0, snap.Counts[Cup]);
        Assert.Equal(3, snap.Total);
        Assert.Equal("shelf: bottle 3, cup 0", snap.Label);
    }

    [Fact]
    public void Reset_ForgetsCountsAndTracks()
    {
        var s = NewScene().Run(2.0, ThreeBottles);
        s.Monitor.Reset();
        Assert.Equal(0, s.Monitor.CountOf("shelf", Bottle));
        s.Run(2.0, Standing(1, 100));
        Assert.Empty(s.Events); // a fresh start sets the count silently
        Assert.Equal(1, s.Monitor.CountOf("shelf", Bottle));
    }

    [Fact]
    public void SeveralZones_CountIndependently_EventsNameTheirZone()
    {
        var left = new Zone("left", ZoneKind.Shelf, Polygon.FromBox(new BoxF(0, 200, 200, 300)), [Bottle], 0.5, 1.0);
        var table = ShelfZone(name: "table");
        var s = new ShelfScene(new ZoneMonitor([table, left])).Run(2.0, ThreeBottles).Run(2.0, Lifted(1, 100), Standing(2, 300), Standing(3, 500));
        Assert.Equal([("table", 2), ("left", 0)], s.OfKind(ShelfEventKind.Taken).Select(e => (e.Zone, e.CountAfter)));
        Assert.Contains(s.Events, e => e.Kind == ShelfEventKind.Empty && e.Zone == "left");
        Assert.DoesNotContain(s.Events, e => e.Kind == ShelfEventKind.Empty && e.Zone == "table");
    }

    [Fact]
    public void Constructor_DuplicateZoneNames_Throws() =>
        Assert.Throws<ArgumentException>(() => new ZoneMonitor([ShelfZone(name: "a"), ShelfZone(name: "A")]));

    [Fact]
    public void Update_NonFiniteTimestamp_Throws() =>
        Assert.Throws<ArgumentException>(() => new ZoneMonitor([ShelfZone()]).Update(Detections.Empty, 0, double.NaN));
}
