using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VisionTracker.Detection;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tracking;
using VisionTracker.Video;
using Xunit.Abstractions;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// Four real sources in one <see cref="TrackingEngine"/> with one batched detector (Atto): three clips played at their
/// own frame rate and one HTTP stream served by a test-owned ffmpeg that is killed and restarted mid-run.
/// Each clip's tracks and events must equal a run of that clip alone (same options, offline, batch of one), the clips
/// must lose no frame while the stream is down, and the stream must reconnect and deliver frames again.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class MultiStreamEngineTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(150);

    /// <summary>
    /// Batched inference could differ from batch-1 inference in the last float bits (another batch size may take other
    /// kernels). Measured with ORT 1.32 on the CPU provider: bit-identical boxes (the test prints the largest difference,
    /// 0 px). The bound allows a thousandth of a pixel so the test does not hinge on one CPU's SIMD kernels; frames,
    /// track ids, classes and events must be exactly equal.
    /// </summary>
    private const float BoxTolerancePixels = 0.001f;

    /// <summary>store-aisle.json's aisle, reporting dwell at a short threshold so that the clip raises events.</summary>
    private const string AisleZones = "aisle-dwell.json";

    private const string AisleZonesJson = """
        { "zones": [ { "name": "aisle", "kind": "area", "normalized": true, "classes": ["person"],
          "polygon": [[0.521, 0.148], [0.698, 0.148], [1.0, 0.852], [1.0, 1.0], [0.604, 1.0]],
          "minStableSeconds": 0.2, "holdSeconds": 1.0, "dwellSeconds": 0.5, "dwellReport": "threshold" } ] }
        """;

    private static readonly string ZonesDir = Directory.CreateTempSubdirectory("vtrack-multistream-").FullName;

    private sealed record Clip(string Name, string File, int Frames, string? Classes, string? Zones);

    private static readonly Clip[] Clips =
    [
        new("bottles", "bottle-detection.mp4", 150, "bottle", "bottle-detection.json"),
        new("conveyor", "checkout-conveyor.mp4", 101, null, null),
        new("aisle", "store-aisle.mp4", 67, "person", AisleZones),
    ];

    [Fact]
    public async Task FourStreams_OneBatchedDetector_EachClipMatchesItsOwnRun_AndTheKilledStreamReconnects()
    {
        Assert.True(FfmpegHttpServer.FindFfmpeg() is not null, "ffmpeg is not installed: run `bash scripts/setup.sh`, then rerun the tests.");
        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {what}");
        using var overall = new CancellationTokenSource(Overall);
        using var detector = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Atto, ScoreThreshold = 0.3f, Log = _ => { } });

        // 1. Each clip alone, offline, batch of one: the reference.
        var alone = new List<Recorder>();
        foreach (Clip c in Clips)
        {
            using IFrameSource src = OpenClip(c);
            var rec = new Recorder();
            var pipeline = new TrackingPipeline(src, f => detector.DetectBatch([f.Image], [Filter(c)])[0], new CrossAttentionTracker(), Observers(c, src.Info), [rec]);
            Assert.True(await pipeline.RunAsync(overall.Token));
            alone.Add(rec);
            Step($"{c.Name} alone: {rec.Frames.Count} frames, {rec.TrackIds.Count} track ids, {rec.Events.Count} events");
            Assert.True(rec.TrackIds.Count > 0, $"{c.Name}: no track alone, so the comparison below would prove nothing");
        }

        Assert.True(alone.Sum(r => r.Events.Count) > 0, "no clip raised an event alone, so the event comparison would prove nothing");

        // 2. The same clips (at their own frame rate) plus the HTTP stream, in one engine.
        using var server = new FfmpegHttpServer(TestData.Video("one-by-one-person-detection.mp4"));
        server.Start();
        await WaitListening(server, overall.Token);
        var streamOptions = new FrameSourceOptions { ReconnectAttempts = int.MaxValue, ReconnectInitialBackoff = TimeSpan.FromMilliseconds(200), ReconnectMaxBackoff = TimeSpan.FromSeconds(1) };
        using var live = new StreamSource(server.Url, streamOptions);
        var stopLive = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var liveUntil = new UntilSource(live, stopLive.Task);
        var sources = Clips.Select(c => (IFrameSource)new RealtimeSource(OpenClip(c))).ToList();
        try
        {
            var recorders = Clips.Select(_ => new Recorder()).ToList();
            var liveRec = new Recorder();
            var streams = Clips.Select((c, i) => new PipelineStream(c.Name, sources[i], new CrossAttentionTracker(), Observers(c, sources[i].Info), [recorders[i]], Filter(c))).ToList();
            streams.Add(new PipelineStream("http", liveUntil, new CrossAttentionTracker(), sinks: [liveRec], classFilter: new HashSet<int> { 0 }));
            var batchSizes = new List<int>();
            BatchDetector batch = RecordingBatch(detector, batchSizes);
            var engine = new TrackingEngine(streams, [batch], new PipelineOptions { Mode = PipelineMode.Offline });
            Task<bool> run = Task.Run(() => engine.RunAsync(overall.Token), CancellationToken.None);
            long ClipFrames() => streams.Take(Clips.Length).Sum(s => s.Stats.FramesCompleted);

            await Until(run, () => liveRec.Count >= 10, "10 frames from the HTTP stream", overall.Token);
            long clipFramesAtKill = ClipFrames();
            server.Stop();
            Step($"ffmpeg killed after {liveRec.Count} stream frames; clips at {clipFramesAtKill} frames");
            await Until(run, () => live.State != LiveSourceState.Connected, "the HTTP stream to notice the outage", overall.Token);
            server.Start();
            await WaitListening(server, overall.Token);
            int liveBefore = liveRec.Count;
            await Until(run, () => live.Reconnects >= 1 && live.State == LiveSourceState.Connected && liveRec.Count >= liveBefore + 10, "the HTTP stream to reconnect and deliver 10 more frames", overall.Token);
            long clipFramesAtReconnect = ClipFrames();
            Step($"reconnected ({live.Reconnects} reconnects); clips at {clipFramesAtReconnect} frames");
            stopLive.TrySetResult();
            Assert.True(await run.WaitAsync(overall.Token), "the engine run was cancelled");
            Step($"engine done: {engine.Batches} detector calls, {engine.MeanBatchSize:0.00} frames per call, largest {batchSizes.Max()}");

            // The clips kept going while the stream was down, and lost no frame.
            Assert.True(clipFramesAtReconnect > clipFramesAtKill, $"the clips made no progress while the stream was down ({clipFramesAtKill} → {clipFramesAtReconnect} frames)");
            Assert.Contains(batchSizes, b => b > 1);
            for (int i = 0; i < Clips.Length; i++)
            {
                Assert.Equal(0, streams[i].Stats.FramesDropped);
                Assert.Equal(Enumerable.Range(0, Clips[i].Frames).Select(x => (long)x), recorders[i].Frames);
            }

            // Each clip's tracks and events equal its own run.
            float worst = 0;
            for (int i = 0; i < Clips.Length; i++)
            {
                worst = Math.Max(worst, AssertSameRun(Clips[i].Name, alone[i], recorders[i]));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest box difference between batched and alone: {worst:G6} px"));
            Assert.True(liveRec.Count > liveBefore, "no frame from the HTTP stream after the restart");
        }
        finally
        {
            stopLive.TrySetResult();
            server.Stop();
            sources.ForEach(s => s.Dispose());
        }
    }

    /// <summary>
    /// A hosted engine (the cluster worker's shape): bottles runs; conveyor joins while it runs, capped at 60 frames by
    /// its own MaxFrames; aisle joins too and is cancelled by its own token after 20 frames (its source then waits) while
    /// the others go on. Bottles' source holds at frame 10 until aisle is cancelled, so it is surely running. Each stream's
    /// frames, tracks and events must equal its own offline batch-1 run over the same frames, and some detector
    /// call must have batched frames of two streams.
    /// </summary>
    [Fact]
    public async Task Streams_join_and_leave_a_running_engine_and_each_matches_its_own_batch1_run()
    {
        using var overall = new CancellationTokenSource(Overall);
        using var detector = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Atto, ScoreThreshold = 0.3f, Log = _ => { } });
        const long ConveyorFrames = 60;
        var aisleCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        var sources = Clips.Select(c => (IFrameSource)(c.Name switch
        {
            "bottles" => new HoldSource(OpenClip(c), 10, aisleCancelled.Task),
            "aisle" => new HoldSource(OpenClip(c), 20, never.Task),
            _ => OpenClip(c),
        })).ToList();
        try
        {
            var recorders = Clips.Select(_ => new Recorder()).ToList();
            var streams = Clips.Select((c, i) => new PipelineStream(c.Name, sources[i], new CrossAttentionTracker(), Observers(c, sources[i].Info), [recorders[i]], Filter(c))
            {
                MaxFrames = c.Name == "conveyor" ? ConveyorFrames : null,
            }).ToList();
            var batchSizes = new List<int>();
            BatchDetector batch = RecordingBatch(detector, batchSizes);
            await using var engine = new TrackingEngine([batch], new PipelineOptions { Mode = PipelineMode.Offline });
            Assert.Empty(engine.Streams);
            Task<bool> bottles = engine.AddStream(streams[0], overall.Token);
            await Until(bottles, () => recorders[0].Count >= 10, "10 bottle frames", overall.Token);
            Task<bool> conveyor = engine.AddStream(streams[1], overall.Token);
            using var stopAisle = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
            Task<bool> aisle = engine.AddStream(streams[2], stopAisle.Token);
            Assert.Equal(3, engine.Streams.Count);
            await Until(aisle, () => recorders[2].Count >= 20, "20 aisle frames", overall.Token);
            Assert.False(bottles.IsCompleted, "bottles ended while held");
            await stopAisle.CancelAsync();
            Assert.False(await aisle.WaitAsync(overall.Token), "the cancelled stream reported that it was read to its end");
            Assert.False(bottles.IsCompleted, "bottles stopped with the cancelled stream");
            aisleCancelled.TrySetResult();
            Assert.True(await conveyor.WaitAsync(overall.Token));
            Assert.True(await bottles.WaitAsync(overall.Token));
            await engine.CompleteAsync();
            Assert.Empty(engine.Streams);
            output.WriteLine($"hosted engine: {engine.Batches} detector calls, {engine.MeanBatchSize:0.00} frames per call; aisle stopped after {recorders[2].Frames.Count} frames");
            Assert.Contains(batchSizes, b => b > 1);
            Assert.Equal(ConveyorFrames, recorders[1].Frames.Count);
            Assert.Equal(20, recorders[2].Frames.Count);
            Assert.Equal(Clips[0].Frames, recorders[0].Frames.Count);
            Assert.Throws<InvalidOperationException>(() => { _ = new TrackingEngine(streams, [batch]).AddStream(streams[0]); });

            // Each stream against its own offline batch-1 run over the frames it got.
            for (int i = 0; i < Clips.Length; i++)
            {
                Clip c = Clips[i];
                using IFrameSource src = OpenClip(c);
                var rec = new Recorder();
                var options = new PipelineOptions { MaxFrames = recorders[i].Frames.Count };
                var pipeline = new TrackingPipeline(src, f => detector.DetectBatch([f.Image], [Filter(c)])[0], new CrossAttentionTracker(), Observers(c, src.Info), [rec], options);
                Assert.True(await pipeline.RunAsync(overall.Token));
                Assert.True(rec.TrackIds.Count > 0, $"{c.Name}: no track alone, so the comparison would prove nothing");
                Assert.Equal(Enumerable.Range(0, recorders[i].Frames.Count).Select(x => (long)x), recorders[i].Frames);
                AssertSameRun(c.Name, rec, recorders[i]);
            }
        }
        finally
        {
            aisleCancelled.TrySetResult();
            sources.ForEach(s => s.Dispose());
        }
    }

    /// <summary>One batched detector call per engine batch, recording each batch's size.</summary>
    private static BatchDetector RecordingBatch(DetrDetector detector, List<int> batchSizes)
    {
        var images = new List<OpenCvSharp.Mat>();
        var filters = new List<IReadOnlySet<int>?>();
        return (frames, ss) =>
        {
            images.Clear();
            filters.Clear();
            images.AddRange(frames.Select(f => f.Image));
            filters.AddRange(ss.Select(s => s.ClassFilter));
            batchSizes.Add(frames.Count);
            return detector.DetectBatch(images, filters);
        };
    }

    private static IFrameSource OpenClip(Clip c) =>
        FrameSource.Open(TestData.Video(c.File), new FrameSourceOptions { EndFrame = c.Frames });

    private static IReadOnlySet<int>? Filter(Clip c) => c.Classes is null ? null : CocoClasses.Parse(c.Classes);

    private static IReadOnlyList<IFrameObserver> Observers(Clip c, FrameSourceInfo info)
    {
        if (c.Zones is null)
        {
            return [];
        }

        string path = Path.Combine(TestData.RepoRoot, "samples", "zones", c.Zones);
        if (c.Zones == AisleZones)
        {
            path = Path.Combine(ZonesDir, AisleZones);
            File.WriteAllText(path, AisleZonesJson);
        }

        return [new ZoneObserver(new ZoneMonitor(ZoneFile.Load(path, info.Width, info.Height)))];
    }

    // Frames, track ids, classes and events exactly equal; boxes within BoxTolerancePixels. Returns the largest difference.
    private static float AssertSameRun(string name, Recorder alone, Recorder batched)
    {
        Assert.Equal(alone.Frames, batched.Frames);
        Assert.Equal(alone.Rows.Count, batched.Rows.Count);
        float worst = 0;
        for (int i = 0; i < alone.Rows.Count; i++)
        {
            var a = alone.Rows[i];
            var b = batched.Rows[i];
            Assert.True(a.Frame == b.Frame && a.Id == b.Id && a.Class == b.Class, $"{name}: row {i} differs: alone {a}, batched {b}");
            float d = new[] { Math.Abs(a.X1 - b.X1), Math.Abs(a.Y1 - b.Y1), Math.Abs(a.X2 - b.X2), Math.Abs(a.Y2 - b.Y2) }.Max();
            Assert.True(d <= BoxTolerancePixels, $"{name}: frame {a.Frame} track {a.Id}: box differs by {d} px (alone {a}, batched {b})");
            worst = Math.Max(worst, d);
        }

        Assert.Equal(alone.Events, batched.Events);
        return worst;
    }

    // Listening, seen in /proc/net/tcp (a probe connection would take ffmpeg's one client).
    private static async Task WaitListening(FfmpegHttpServer server, CancellationToken ct)
    {
        string local = "0100007F:" + server.Port.ToString("X4", CultureInfo.InvariantCulture);
        var bound = Stopwatch.StartNew();
        while (!File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Any(f => f.Length > 3 && f[1] == local && f[3] == "0A"))
        {
            Assert.True(server.IsRunning, $"ffmpeg exited before listening:\n{server.RecentLog}");
            Assert.True(bound.Elapsed < TimeSpan.FromSeconds(20), $"ffmpeg did not listen on {server.Port} within 20 s:\n{server.RecentLog}");
            await Task.Delay(50, ct);
        }
    }

    private static async Task Until(Task run, Func<bool> check, string what, CancellationToken ct)
    {
        var bound = Stopwatch.StartNew();
        while (!check())
        {
            if (run.IsCompleted)
            {
                await run;
                Assert.Fail($"The engine run ended before: {what}.");
            }

            Assert.True(bound.Elapsed < TimeSpan.FromSeconds(60), $"Not reached within 60 s: {what}.");
            await Task.Delay(50, ct);
        }
    }

    private readonly record struct Row(long Frame, int Id, int Class, float X1, float Y1, float X2, float Y2);

    /// <summary>Records every frame index, every track row and every event (as JSON) a stream writes.</summary>
    private sealed class Recorder : IFrameSink, IEventSink
    {
        private int _count;

        public List<long> Frames { get; } = [];

        public List<Row> Rows { get; } = [];

        public List<string> Events { get; } = [];

        public HashSet<int> TrackIds { get; } = [];

        public int Count => Volatile.Read(ref _count);

        public void Write(FrameResult result)
        {
            Frames.Add(result.Frame.Index);
            Detections t = result.Tracks;
            for (int i = 0; i < t.Count; i++)
            {
                var b = t.Boxes[i];
                Rows.Add(new Row(result.Frame.Index, t.TrackIds[i], t.ClassIds[i], b.X1, b.Y1, b.X2, b.Y2));
                TrackIds.Add(t.TrackIds[i]);
            }

            Events.AddRange(result.Events.Select(e => JsonSerializer.Serialize(e, e.GetType())));
            Interlocked.Increment(ref _count);
        }

        public void WriteEvents(IReadOnlyList<object> events) => Events.AddRange(events.Select(e => JsonSerializer.Serialize(e, e.GetType())));

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Passes frames through, but before frame <c>at</c> waits for <c>open</c> (or the reader's cancellation).</summary>
    private sealed class HoldSource(IFrameSource inner, int at, Task open) : IFrameSource
    {
        private int _n;

        public FrameSourceInfo Info => inner.Info;

        public Frame? Read(CancellationToken cancellationToken = default)
        {
            if (_n++ == at)
            {
                open.Wait(cancellationToken);
            }

            return inner.Read(cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>Reads the inner source until <paramref name="stop"/> completes, then ends the stream.</summary>
    private sealed class UntilSource(IFrameSource inner, Task stop) : IFrameSource
    {
        public FrameSourceInfo Info => inner.Info;

        public Frame? Read(CancellationToken cancellationToken = default) => stop.IsCompleted ? null : inner.Read(cancellationToken);

        public void Dispose()
        {
        }
    }
}
