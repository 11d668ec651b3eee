using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Tests.Pipeline;

/// <summary>Pipeline mechanics on a real clip: order, no drops offline, cancellation completes sinks, failures surface.</summary>
[Trait("Category", Categories.RealData)]
public class TrackingPipelineTests
{
    /// <summary>Gives each detection the frame index as its track id, so order is visible downstream.</summary>
    private sealed class EchoTracker : ITracker
    {
        public Detections Update(Detections detections, double timestampSeconds) =>
            detections.WithTrackIds(Enumerable.Repeat(1, detections.Count).ToArray());

        public void Reset()
        {
        }
    }

    private sealed class RecordingSink : IFrameSink
    {
        public List<long> Frames { get; } = [];

        public List<int> Sizes { get; } = [];

        public int Completed { get; private set; }

        public void Write(FrameResult result)
        {
            Frames.Add(result.Frame.Index);
            Sizes.Add(result.Frame.Width);
            Assert.False(result.Frame.Image.IsDisposed);
        }

        public void Complete() => Completed++;

        public void Dispose()
        {
        }
    }

    private static Detections OneBoxPerFrame(Frame f) =>
        new([new BoxF(f.Index, 0, f.Index + 10, 10)], [0.9f], [0]);

    [Fact]
    public async Task Offline_EveryFrameReachesSinksInOrder()
    {
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var sink = new RecordingSink();
        var p = new TrackingPipeline(src, OneBoxPerFrame, new EchoTracker(), sinks: [sink], options: new PipelineOptions { QueueCapacity = 2 });
        bool finished = await p.RunAsync();
        Assert.True(finished);
        Assert.Equal(Enumerable.Range(0, 67).Select(i => (long)i), sink.Frames);
        Assert.All(sink.Sizes, w => Assert.Equal(480, w));
        Assert.Equal(1, sink.Completed);
        Assert.Equal(67, p.Stats.FramesCompleted);
        Assert.Equal(0, p.Stats.FramesDropped);
        Assert.Equal(67, p.Stats.Detect.Count);
    }

    [Fact]
    public async Task Cancelled_StopsEarlyAndStillCompletesSinks()
    {
        using var src = new VideoFileSource(TestData.Video("bottle-detection.mp4"));
        var sink = new RecordingSink();
        using var cts = new CancellationTokenSource();
        Detections SlowDetect(Frame f)
        {
            if (f.Index == 20)
            {
                cts.Cancel();
            }

            return OneBoxPerFrame(f);
        }

        var p = new TrackingPipeline(src, SlowDetect, new EchoTracker(), sinks: [sink]);
        bool finished = await p.RunAsync(cts.Token);
        Assert.False(finished);
        Assert.Equal(1, sink.Completed);
        Assert.InRange(sink.Frames.Count, 21, 1188);
        Assert.Equal(Enumerable.Range(0, sink.Frames.Count).Select(i => (long)i), sink.Frames);
    }

    [Fact]
    public async Task DetectorFailure_SurfacesTheErrorAndCompletesSinks()
    {
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var sink = new RecordingSink();
        Detections Fails(Frame f) => f.Index == 5 ? throw new VisionTrackerException("boom at 5") : OneBoxPerFrame(f);
        var p = new TrackingPipeline(src, Fails, new EchoTracker(), sinks: [sink]);
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => p.RunAsync());
        Assert.Equal("boom at 5", ex.Message);
        Assert.Equal(1, sink.Completed);
        Assert.True(sink.Frames.Count <= 5);
    }

    [Fact]
    public async Task MaxFrames_StopsAfterThatMany()
    {
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var sink = new RecordingSink();
        var p = new TrackingPipeline(src, OneBoxPerFrame, new EchoTracker(), sinks: [sink], options: new PipelineOptions { MaxFrames = 10 });
        Assert.True(await p.RunAsync());
        Assert.Equal(10, sink.Frames.Count);
    }

    [Fact]
    public async Task Live_SlowDetector_DropsOldestFramesAndCountsThem()
    {
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var sink = new RecordingSink();
        Detections Slow(Frame f)
        {
            Thread.Sleep(15);
            return OneBoxPerFrame(f);
        }

        var p = new TrackingPipeline(src, Slow, new EchoTracker(), sinks: [sink], options: new PipelineOptions { Mode = PipelineMode.Live, QueueCapacity = 2 });
        Assert.True(await p.RunAsync());
        Assert.True(p.Stats.FramesDropped > 0, "a file decodes much faster than 15 ms per frame, so live mode must drop");
        Assert.Equal(67, p.Stats.FramesDropped + p.Stats.FramesCompleted);
        Assert.Equal(sink.Frames.OrderBy(i => i), sink.Frames);
        Assert.Equal(66, sink.Frames[^1]);
    }

    /// <summary>A source that blocks in Read until cancelled, as a live stream does between frames.</summary>
    private sealed class BlockingAfter(IFrameSource inner, int frames) : IFrameSource
    {
        private int _n;

        public FrameSourceInfo Info => inner.Info;

        public Frame? Read(CancellationToken cancellationToken = default)
        {
            if (_n++ < frames)
            {
                return inner.Read(cancellationToken);
            }

            cancellationToken.WaitHandle.WaitOne();
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }

        public void Dispose() => inner.Dispose();
    }

    private sealed class FlushingObserver : IFrameObserver
    {
        public IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds) => [];

        public IReadOnlyList<object> Complete(long lastFrameIndex, double lastTimestampSeconds) => [$"flushed at {lastFrameIndex}"];
    }

    private sealed class EventCollector : IFrameSink, IEventSink
    {
        public List<object> Final { get; } = [];

        public int Frames { get; private set; }

        public void Write(FrameResult result) => Frames++;

        public void WriteEvents(IReadOnlyList<object> events) => Final.AddRange(events);

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task CancelledWhileSourceWaits_EndsNormallyAndFlushesObservers()
    {
        using var src = new BlockingAfter(new VideoFileSource(TestData.Video("store-aisle.mp4")), 10);
        var sink = new EventCollector();
        using var cts = new CancellationTokenSource();
        // Offline mode: no frame may be dropped, so exactly the 10 frames the source gives must complete.
        var p = new TrackingPipeline(src, OneBoxPerFrame, new EchoTracker(), observers: [new FlushingObserver()], sinks: [sink]);
        Task<bool> run = p.RunAsync(cts.Token);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (p.Stats.FramesCompleted < 10)
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {p.Stats.FramesCompleted} of 10 frames completed within 60 s");
            Assert.False(run.IsCompleted, "the run ended before the source blocked");
            await Task.Delay(20);
        }

        await cts.CancelAsync();
        Assert.False(await run);
        Assert.Equal(10, sink.Frames);
        Assert.Equal(["flushed at 9"], sink.Final);
    }
}
