using VisionTracker.Video;

namespace VisionTracker.Tests.Video;

public class FrameSourceOptionsTests
{
    public static TheoryData<long, long?, int, long, long> Counts => new()
    {
        // start, end, stride, total, expected count
        { 0, null, 1, 1189, 1189 },
        { 0, null, 3, 71, 24 },     // 0,3,...,69
        { 10, 100, 7, 1189, 13 },   // 10,17,...,94
        { 5, 40, 4, 67, 9 },
        { 0, 500, 1, 67, 67 },      // end beyond the source
        { 80, null, 1, 71, 0 },     // start beyond the source
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void CountSelected_MatchesTheFramesSelects(long start, long? end, int stride, long total, long expected)
    {
        var o = new FrameSourceOptions { StartFrame = start, EndFrame = end, Stride = stride };
        Assert.Equal(expected, o.CountSelected(total));
        Assert.Equal(expected, Enumerable.Range(0, (int)total).Count(i => o.Selects(i)));
    }

    [Theory]
    [InlineData(-1, null, 1, "--start")]
    [InlineData(5, 5L, 1, "--end")]
    [InlineData(0, null, 0, "--stride")]
    public void Validate_ImpossibleValues_ThrowNamingTheOption(long start, long? end, int stride, string option)
    {
        var o = new FrameSourceOptions { StartFrame = start, EndFrame = end, Stride = stride };
        var ex = Assert.Throws<VisionTrackerException>(o.Validate);
        Assert.Contains(option, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadReconnectSettings_Throw()
    {
        Assert.Throws<VisionTrackerException>(new FrameSourceOptions { ReconnectAttempts = -1 }.Validate);
        Assert.Throws<VisionTrackerException>(new FrameSourceOptions { ReconnectInitialBackoff = TimeSpan.FromSeconds(10), ReconnectMaxBackoff = TimeSpan.FromSeconds(1) }.Validate);
        Assert.Throws<VisionTrackerException>(new FrameSourceOptions { OpenTimeout = TimeSpan.Zero }.Validate);
    }
}
