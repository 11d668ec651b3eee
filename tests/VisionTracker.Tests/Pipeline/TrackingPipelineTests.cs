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

    /// <summary>
    /// A hosted engine (the worker's): a stream whose sink fails ends alone while another runs on to its end; a
    /// detector failure is thrown by the stream running then, and a stream added after it has ended runs normally.
    /// </summary>
    [Fact]
    public async Task HostedEngine_StreamFailureIsIsolated_AndDetectorFailureDoesNotPoisonLaterStreams()
    {
        int failAt = -1;
        BatchDetector detect = (frames, streams) =>
        {
            if (frames.Any(f => f.Index == Volatile.Read(ref failAt)))
            {
                throw new VisionTrackerException("detector boom");
            }

            return frames.Select(OneBoxPerFrame).ToArray();
        };
        await using var engine = new TrackingEngine([detect], new PipelineOptions { MaxBatch = 1, BatchWait = TimeSpan.Zero });

        // 1. A stream whose sink throws at frame 3 ends alone; the other reads its clip to the end.
        using var blocked = new BlockingAfter(new VideoFileSource(TestData.Video("bottle-detection.mp4")), 10);
        using var good = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var failingSink = new ThrowingSink(3);
        var goodSink = new RecordingSink();
        using var stopBlocked = new CancellationTokenSource();
        var blockedSink = new RecordingSink();
        Task<bool> b = engine.AddStream(new PipelineStream("blocked", blocked, new EchoTracker(), sinks: [blockedSink]), stopBlocked.Token);
        using var bad = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        Task<bool> f = engine.AddStream(new PipelineStream("bad", bad, new EchoTracker(), sinks: [failingSink]));
        Task<bool> g = engine.AddStream(new PipelineStream("good", good, new EchoTracker(), sinks: [goodSink]));
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => f);
        Assert.Equal("sink boom at 3", ex.Message);
        Assert.True(await g);
        Assert.Equal(Enumerable.Range(0, 67).Select(i => (long)i), goodSink.Frames);
        Assert.Equal(1, goodSink.Completed);
        Assert.False(b.IsCompleted, "the waiting stream ended with the failed one");
        await stopBlocked.CancelAsync();
        Assert.False(await b);
        Assert.Equal(10, blockedSink.Frames.Count);

        // 2. The detector fails on frame 5: the stream running then throws it; a later stream runs normally.
        Volatile.Write(ref failAt, 5);
        using var first = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var firstSink = new RecordingSink();
        var dex = await Assert.ThrowsAsync<VisionTrackerException>(() => engine.AddStream(new PipelineStream("first", first, new EchoTracker(), sinks: [firstSink])));
        Assert.Equal("detector boom", dex.Message);
        Assert.Equal(1, firstSink.Completed);
        Volatile.Write(ref failAt, -1);
        using var later = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        var laterSink = new RecordingSink();
        Assert.True(await engine.AddStream(new PipelineStream("later", later, new EchoTracker(), sinks: [laterSink]), CancellationToken.None));
        Assert.Equal(67, laterSink.Frames.Count);
        await engine.CompleteAsync();
    }

    private sealed class ThrowingSink(int at) : IFrameSink
    {
        public void Write(FrameResult result)
        {
            if (result.Frame.Index == at)
            {
                throw new VisionTrackerException($"sink boom at {at}");
            }
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
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
