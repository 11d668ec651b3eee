using VisionTracker.Annotations;

namespace VisionTracker.Tests.Annotations;

public class TrackSmoothingTests
{
    // A box that stands still while its detections jitter by +-3 px (a fixed pseudo-random pattern).
    private static readonly double[] Jitter = [3, -2, 1, -3, 2, 0, -1, 3, -3, 1, 2, -2, 0, 3, -1, -3, 2, 1, -2, 0];

    [Fact]
    public void Smooth_JitteringStillBox_ReducesTheJitterAndKeepsTheMean()
    {
        var seq = new TrackSequence("s", Jitter.Select((j, i) => new TrackRecord(i + 1, 7, 100 + j, 50 - j, 40 + j, 80 - j, 0.8, 0, 1))) { Fps = 25 };
        var smoothed = TrackSmoothing.Smooth(seq, 0.05);

        Assert.Equal(seq.Rows.Count, smoothed.Rows.Count);
        double Spread(IEnumerable<double> v) => v.Max() - v.Min();
        Assert.True(Spread(smoothed.Rows.Select(r => r.Left + (r.Width / 2))) < 0.5 * Spread(seq.Rows.Select(r => r.Left + (r.Width / 2))), "centre jitter not halved");
        Assert.True(Spread(smoothed.Rows.Select(r => r.Height)) < 0.5 * Spread(seq.Rows.Select(r => r.Height)), "height jitter not halved");
        Assert.Equal(seq.Rows.Average(r => r.Width), smoothed.Rows.Average(r => r.Width), 0);
        Assert.All(smoothed.Rows.Zip(seq.Rows), p =>
        {
            Assert.Equal((p.Second.Frame, p.Second.Id, p.Second.Score, p.Second.ClassId, p.Second.Visibility), (p.First.Frame, p.First.Id, p.First.Score, p.First.ClassId, p.First.Visibility));
        });
    }

    [Fact]
    public void Smooth_ConstantVelocity_LeavesInteriorBoxesWhereTheyAre()
    {
        // A symmetric window over a straight line returns the line: the interior frames (a full window on each side) move not at all.
        var seq = new TrackSequence("s", Enumerable.Range(1, 30).Select(f => new TrackRecord(f, 1, 10 + (4.0 * f), 200 - (2.0 * f), 30, 60))) { Fps = 30 };
        var smoothed = TrackSmoothing.Smooth(seq, 0.05);
        int reach = (int)Math.Ceiling(3 * 0.05 * 30);
        foreach (var (s, r) in smoothed.Rows.Zip(seq.Rows).Where(p => p.Second.Frame > reach && p.Second.Frame <= 30 - reach))
        {
            Assert.Equal(r.Left, s.Left, 9);
            Assert.Equal(r.Top, s.Top, 9);
            Assert.Equal(r.Width, s.Width, 9);
        }
    }

    [Fact]
    public void Smooth_TwoTracksSideBySide_NeverMixTheirBoxes()
    {
        var rows = Enumerable.Range(1, 10).SelectMany(f => new[] { new TrackRecord(f, 1, 0, 0, 10, 10), new TrackRecord(f, 2, 500, 300, 50, 90) });
        var smoothed = TrackSmoothing.Smooth(new TrackSequence("s", rows) { Fps = 25 }, 0.2);
        Assert.All(smoothed.Rows.Where(r => r.Id == 1), r => Assert.Equal((0.0, 0.0, 10.0, 10.0), (Math.Round(r.Left, 9), Math.Round(r.Top, 9), Math.Round(r.Width, 9), Math.Round(r.Height, 9))));
        Assert.All(smoothed.Rows.Where(r => r.Id == 2), r => Assert.Equal((500.0, 300.0, 50.0, 90.0), (Math.Round(r.Left, 9), Math.Round(r.Top, 9), Math.Round(r.Width, 9), Math.Round(r.Height, 9))));
    }

    [Fact]
    public void Smooth_OffOrUnknownFrameRate_ReturnsTheSequenceUnchanged()
    {
        var seq = new TrackSequence("s", Jitter.Select((j, i) => new TrackRecord(i + 1, 1, 100 + j, 50, 40, 80))) { Fps = 25 };
        Assert.Same(seq, TrackSmoothing.Smooth(seq, 0));
        Assert.Same(seq, TrackSmoothing.Smooth(seq, 0.05, fps: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrackSmoothing.Smooth(seq, -0.1));
    }

    [Fact]
    public void Smooth_LowFrameRate_BarelyMovesBoxes()
    {
        // At 8.33 fps, 0.05 s is 0.42 frame: a neighbour one frame away weighs e^-2.88 = 0.056 against 1, so a box that
        // alternates by 6 px moves by 0.6 px, a tenth of it (the default smooths 25-30 fps jitter and leaves low frame rates
        // almost alone; at 25 fps the same box would move by 3 px, half of it).
        var seq = new TrackSequence("s", Enumerable.Range(1, 6).Select(f => new TrackRecord(f, 1, f % 2 == 0 ? 106 : 100, 50, 40, 80))) { Fps = 25.0 / 3 };
        var smoothed = TrackSmoothing.Smooth(seq, TrackSmoothing.DefaultSigmaSeconds);
        Assert.All(smoothed.Rows.Zip(seq.Rows), p => Assert.InRange(Math.Abs(p.First.Left - p.Second.Left), 0, 0.65));
        Assert.Contains(smoothed.Rows.Zip(seq.Rows), p => p.First.Left != p.Second.Left);
    }
}
