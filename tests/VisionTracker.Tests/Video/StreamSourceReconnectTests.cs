using OpenCvSharp;
using VisionTracker.Video;

namespace VisionTracker.Tests.Video;

/// <summary>The bounded reconnect of live sources, driven by a scripted fake capture (no server, no waiting).</summary>
public class StreamSourceReconnectTests
{
    [Fact]
    public void Read_WhenReadsFail_ReconnectsWithDoublingBackoffThenFails()
    {
        // Open #1 delivers 3 frames; the next two reopen attempts fail; open #4 delivers 2 frames; every later open fails.
        var script = new Queue<int?>([3, null, null, 2]);
        var delays = new List<TimeSpan>();
        var states = new List<LiveSourceState>();
        var counter = new int[1];
        var options = new FrameSourceOptions
        {
            ReconnectAttempts = 4,
            ReconnectInitialBackoff = TimeSpan.FromMilliseconds(100),
            ReconnectMaxBackoff = TimeSpan.FromMilliseconds(300),
        };
        using var src = new StreamSource(
            "rtsp://user:pw@cam.test/live",
            options,
            () => script.TryDequeue(out int? frames) && frames is { } n ? new FakeCapture(n, counter) : null,
            (d, _) =>
            {
                delays.Add(d);
                return Task.CompletedTask;
            });
        src.StateChanged += (_, s) => states.Add(s);
        Assert.Equal(LiveSourceState.Connected, src.State);
        Assert.Equal("rtsp://***@cam.test/live", src.Info.Name);

        var frames = new List<Frame>();
        var ex = Assert.Throws<VisionTrackerException>(() =>
        {
            while (src.Read() is { } f)
            {
                frames.Add(f);
            }
        });

        Assert.Equal(new long[] { 0, 1, 2, 3, 4 }, frames.Select(f => f.Index));
        Assert.True(frames.Zip(frames.Skip(1)).All(p => p.Second.TimestampSeconds > p.First.TimestampSeconds));
        Assert.Equal([1, 2, 3, 4, 5], frames.Select(f => (int)f.Image.At<Vec3b>(0, 0).Item0));
        frames.ForEach(f => f.Dispose());

        Assert.Equal(1, src.Reconnects);
        Assert.Equal(LiveSourceState.Failed, src.State);
        Assert.Equal([LiveSourceState.Reconnecting, LiveSourceState.Connected, LiveSourceState.Reconnecting, LiveSourceState.Failed], states);
        // First outage: waits 100 and 200 ms before the two failed reopens, 300 (capped) before the good one;
        // second outage: 100, 200, 300, 300 ms, four failed reopens, then it gives up.
        Assert.Equal(new[] { 100, 200, 300, 100, 200, 300, 300 }, delays.Select(d => (int)d.TotalMilliseconds).ToArray());
        Assert.Contains("4 reconnect attempts", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", ex.Message, StringComparison.Ordinal);
        Assert.Throws<VisionTrackerException>(() => src.Read());
    }

    [Fact]
    public void Read_ZeroReconnectAttempts_FailsOnFirstOutage()
    {
        int opens = 0;
        using var src = new StreamSource("http://cam.test/a", new FrameSourceOptions { ReconnectAttempts = 0 }, () => opens++ == 0 ? new FakeCapture(1, new int[1]) : null, (_, _) => Task.CompletedTask);
        src.Read()!.Dispose();
        Assert.Throws<VisionTrackerException>(() => src.Read());
        Assert.Equal(1, opens);
    }

    [Fact]
    public void Read_EndFrameOnALiveSource_StopsThere()
    {
        using var src = new StreamSource("http://cam.test/a", new FrameSourceOptions { EndFrame = 6, Stride = 2 }, () => new FakeCapture(100, new int[1]), (_, _) => Task.CompletedTask);
        var got = new List<long>();
        while (src.Read() is { } f)
        {
            got.Add(f.Index);
            f.Dispose();
        }

        Assert.Equal(new long[] { 0, 2, 4 }, got);
        Assert.Equal(3, src.Info.FrameCount);
    }

    [Fact]
    public void Open_WhenFirstOpenFails_ThrowsWithoutRetrying()
    {
        int opens = 0;
        Assert.Throws<VisionTrackerException>(() => new StreamSource("http://cam.test/a", FrameSourceOptions.Default, () =>
        {
            opens++;
            return null;
        }, (_, _) => Task.CompletedTask));
        Assert.Equal(1, opens);
    }

    /// <summary>Delivers <c>frames</c> 4x4 frames whose blue value counts up in <c>counter</c> (shared by one test's fakes), then fails every read.</summary>
    private sealed class FakeCapture(int frames, int[] counter) : ICapture
    {
        private int _left = frames;

        public int Width => 4;

        public int Height => 4;

        public double Fps => 30;

        public bool Read(Mat image)
        {
            if (_left-- <= 0)
            {
                return false;
            }

            image.Create(4, 4, MatType.CV_8UC3);
            image.SetTo(new Scalar(++counter[0], 0, 0));
            return true;
        }

        public void Dispose()
        {
        }
    }
}
