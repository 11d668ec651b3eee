using VisionTracker.Annotations;

namespace VisionTracker.Tests.Annotations;

public class GapInterpolationTests
{
    private static TrackSequence Track(params int[] frames) =>
        new("s", frames.Select(f => new TrackRecord(f, 1, f * 10, 0, 10 + f, 20, 0.9, 0)));

    [Fact]
    public void Fill_GapWithinMax_InterpolatesLinearly()
    {
        var seq = new TrackSequence("s", [new TrackRecord(1, 1, 0, 0, 10, 10, 0.8, 2), new TrackRecord(5, 1, 40, 8, 30, 10, 0.6, 2)]);
        var filled = GapInterpolation.Fill(seq, maxGap: 3);
        Assert.Equal([1, 2, 3, 4, 5], filled.Rows.Select(r => r.Frame).ToArray());
        var mid = filled.Rows[2];
        Assert.Equal((20.0, 4.0, 20.0, 10.0), (mid.Left, mid.Top, mid.Width, mid.Height));
        Assert.Equal(0.6, mid.Score);
        Assert.Equal(2, mid.ClassId);
    }

    [Theory]
    [InlineData(2, 6)] // gap of 3 missing frames is longer than 2: left alone
    [InlineData(3, 9)] // gap filled
    [InlineData(0, 6)] // interpolation off
    public void Fill_RespectsMaxGap(int maxGap, int expectedRows)
    {
        var seq = Track(1, 2, 3, 7, 8, 9);
        Assert.Equal(expectedRows, GapInterpolation.Fill(seq, maxGap).Rows.Count);
    }

    [Fact]
    public void Fill_DoesNotMixTracks()
    {
        var seq = new TrackSequence("s", [new TrackRecord(1, 1, 0, 0, 10, 10), new TrackRecord(3, 2, 0, 0, 10, 10)]);
        Assert.Equal(2, GapInterpolation.Fill(seq, 5).Rows.Count);
    }
}
