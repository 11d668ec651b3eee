using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>The hub on its own, fed synthetic frames: health, the event ring, subscriptions, the stream image.</summary>
public sealed class LiveHubTests
{
    private enum Side
    {
        Left,
        Right,
    }

    private sealed record ShelfLikeEvent(string Zone, Side Side, int TrackId, double Score);

    private sealed class Cyclic
    {
        public Cyclic? Self { get; set; }

        public override string ToString() => "cyclic event";
    }

    private static FrameResult Result(long index, IReadOnlyList<object>? events = null)
    {
        var img = new Mat(120, 160, MatType.CV_8UC3, new Scalar(40, 80, 120));
        var tracks = new Detections([new BoxF(10, 10, 60, 90)], [0.9f], [0], trackIds: [7]);
        return new FrameResult(new Frame(index, index / 10.0, img), tracks, tracks, events ?? []);
    }

    private static void Write(LiveHub hub, FrameResult r)
    {
        using (r.Frame)
        {
            hub.Write(r);
        }
    }

    [Fact]
    public void Events_AreSerializedGenericallyAndKeptUpToCapacity()
    {
        using var hub = new LiveHub(new MonitorOptions { EventsCapacity = 3 });
        for (int i = 0; i < 5; i++)
        {
            Write(hub, Result(i, [new ShelfLikeEvent("shelf-1", Side.Right, 7, 0.5 + i)]));
        }

        IReadOnlyList<LiveEvent> recent = hub.RecentEvents();
        Assert.Equal([3L, 4L, 5L], recent.Select(e => e.Id));
        LiveEvent last = recent[^1];
        Assert.Equal(nameof(ShelfLikeEvent), last.Type);
        Assert.Equal(4, last.FrameIndex);
        Assert.Equal(0.4, last.TimestampSeconds, 9);
        Assert.Equal("shelf-1", last.Data.GetProperty("zone").GetString());
        Assert.Equal("Right", last.Data.GetProperty("side").GetString());
        Assert.Equal(4.5, last.Data.GetProperty("score").GetDouble());
        Assert.Equal([5L], hub.RecentEvents(afterId: 4).Select(e => e.Id));
        Assert.Equal(5, hub.GetStatus().Events);
    }

    [Fact]
    public void UnserializableEvent_ReachesTheFeedAsText()
    {
        using var hub = new LiveHub();
        var c = new Cyclic();
        c.Self = c;
        LiveEvent e = hub.Publish(c);
        Assert.Equal("cyclic event", e.Data.GetProperty("text").GetString());
    }

    [Fact]
    public async Task Subscribers_GetNewEventsInOrder_AndEndWhenTheHubIsDisposed()
    {
        var hub = new LiveHub();
        using LiveHub.EventSubscription sub = hub.SubscribeEvents();
        Assert.Equal(1, hub.GetStatus().EventClients);
        Write(hub, Result(0, ["a", "b"]));
        hub.Publish(new { note = "from the host" });
        var got = new List<LiveEvent>();
        while (sub.Reader.TryRead(out LiveEvent? e))
        {
            got.Add(e);
        }

        Assert.Equal([1L, 2L, 3L], got.Select(e => e.Id));
        Assert.Equal("from the host", got[2].Data.GetProperty("note").GetString());
        hub.Dispose();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        Assert.False(await sub.Reader.WaitToReadAsync(cts.Token));
    }

    [Fact]
    public void Health_FollowsFramesAndTheHost()
    {
        using var hub = new LiveHub();
        Assert.Equal("starting", hub.GetStatus().SourceState);
        Write(hub, Result(41));
        MonitorStatus s = hub.GetStatus();
        Assert.Equal(("running", 1L, 41L, 1), (s.SourceState, s.Frames, s.LastFrameIndex, s.Tracks));

        hub.SetSourceState("reconnecting");
        hub.SetReconnectCount(2);
        Assert.Equal(("reconnecting", 2L), (hub.GetStatus().SourceState, hub.GetStatus().Reconnects));

        long reconnects = 5;
        hub.ObserveSource(() => "running", () => reconnects);
        reconnects = 6;
        Assert.Equal(("running", 6L), (hub.GetStatus().SourceState, hub.GetStatus().Reconnects));
    }

    [Fact]
    public void Complete_MarksTheSourceStopped()
    {
        using var hub = new LiveHub();
        Write(hub, Result(0));
        hub.Complete();
        Assert.Equal("stopped", hub.GetStatus().SourceState);
    }

    [Fact]
    public async Task FirstFrame_IsEncodedAsAnAnnotatedJpegOfTheFrameSize()
    {
        using var hub = new LiveHub();
        hub.SetZones([new MonitorZone("z", [(0, 0), (80, 0), (80, 60)])]);
        hub.SetZoneCounts(new Dictionary<string, int> { ["z"] = 3 });
        Assert.Null(hub.LatestJpeg);
        Write(hub, Result(0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        LiveHub.JpegFrame f = await hub.NextJpegAsync(0, cts.Token);
        Assert.Equal(1, f.Sequence);
        using Mat img = Cv2.ImDecode(f.Data, ImreadModes.Color);
        Assert.Equal((160, 120), (img.Width, img.Height));

        // The box and labels were drawn: the image is no longer the flat fill colour.
        Cv2.MeanStdDev(img, out _, out Scalar std);
        Assert.True(std.Val0 + std.Val1 + std.Val2 > 5, "the annotated frame should not be a flat fill");
    }

    [Theory]
    [InlineData(0, 200, 10.0)]
    [InlineData(101, 200, 10.0)]
    [InlineData(75, 0, 10.0)]
    [InlineData(75, 200, 0.0)]
    [InlineData(75, 200, double.NaN)]
    public void BadSettings_AreUserErrors(int quality, int capacity, double fps)
    {
        var ex = Assert.Throws<VisionTrackerException>(() => new LiveHub(new MonitorOptions { JpegQuality = quality, EventsCapacity = capacity, MaxStreamFps = fps }));
        Assert.Contains("out of range", ex.Message, StringComparison.Ordinal);
    }
}
