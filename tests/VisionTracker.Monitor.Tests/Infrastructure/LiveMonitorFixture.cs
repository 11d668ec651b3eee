using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Tracking;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Infrastructure;

/// <summary>
/// One real live pipeline for the whole collection: store-aisle.mp4 looped at its frame rate, the real Atto DETR
/// detector, the cross-attention tracker, a tick observer (an event every <see cref="TickEvery"/> frames), a zone counter, and the dashboard on
/// a free loopback port. Stopped and awaited at the end, so no test leaves a thread behind.
/// </summary>
public sealed class LiveMonitorFixture : IAsyncLifetime
{
    public const int TickEvery = 10;

    private readonly CancellationTokenSource _stop = new();
    private LoopingVideoSource? _source;
    private Task<bool>? _run;
    private DetrDetector? _detector;

    public LiveHub Hub { get; private set; } = null!;

    public MonitorServer Server { get; private set; } = null!;

    public TrackingPipeline Pipeline { get; private set; } = null!;

    public FrameSourceInfo SourceInfo => _source!.Info;

    public IReadOnlyList<MonitorZone> Zones { get; private set; } = [];

    /// <summary>The real detector (Atto: the smallest model, so the 2-core test machine keeps up).</summary>
    private static DetrDetector CreateDetector() => new(new DetrDetectorOptions { ModelPath = TestData.Atto, IntraOpThreads = 1 });

    public async Task InitializeAsync()
    {
        Hub = new LiveHub(new MonitorOptions { MaxStreamFps = 8, EventsCapacity = 50, JpegQuality = 80 });
        Server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, Hub, _ => null, CancellationToken.None);
        _source = new LoopingVideoSource(TestData.Video("store-aisle.mp4"));
        int w = _source.Info.Width, h = _source.Info.Height;
        Zones =
        [
            new MonitorZone("left-half", [(0, 0), (w / 2f, 0), (w / 2f, h), (0, h)]),
            new MonitorZone("shelf-right", [(w * 0.7f, h * 0.55f), (w - 1f, h * 0.55f), (w - 1f, h - 1f), (w * 0.7f, h - 1f)]),
        ];
        Hub.SetZones(Zones);
        _detector = CreateDetector();
        Pipeline = new TrackingPipeline(
            _source,
            _detector,
            new CrossAttentionTracker(),
            observers: [new TickObserver(TickEvery), new ZoneCounter(Hub, Zones)],
            sinks: [Hub],
            options: new PipelineOptions { Mode = PipelineMode.Live, QueueCapacity = 2 });
        Hub.UsePipelineStats(() => Pipeline.Stats);
        _run = Pipeline.RunAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_run is not null)
            {
                await _run.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (OperationCanceledException)
        {
            // The source saw the cancellation first; the pipeline still completed its sinks.
        }
        finally
        {
            await Server.DisposeAsync();
            Hub.Dispose();
            _source?.Dispose();
            _detector?.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>Fails the test if the pipeline died, with its exception.</summary>
    public void AssertPipelineAlive()
    {
        if (_run is { IsFaulted: true } r)
        {
            throw new InvalidOperationException("The live pipeline failed.", r.Exception!.GetBaseException());
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LiveMonitorCollection : ICollectionFixture<LiveMonitorFixture>
{
    public const string Name = "Live monitor";
}
