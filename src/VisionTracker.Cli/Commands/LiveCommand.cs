using System.CommandLine;
using VisionTracker.Detection;
using VisionTracker.Monitor;
using VisionTracker.Pipeline;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>What <c>vtrack live</c> runs.</summary>
/// <param name="Source">Camera index, stream URL or file.</param>
/// <param name="Realtime">Play a file at its own frame rate.</param>
/// <param name="Monitor">Dashboard settings (address, remote access, token).</param>
/// <param name="ZonesFile">Zones JSON, or null.</param>
/// <param name="EventsFile">Events JSONL file (appended), or null.</param>
/// <param name="Tracker">Tracker name.</param>
/// <param name="Reid">Use OSNet crop embeddings.</param>
/// <param name="MaxFrames">Stop after this many frames, or null for until stopped.</param>
/// <param name="Gmc">Compensate camera motion (<c>--gmc</c>).</param>
internal sealed record LiveSettings(string Source, bool Realtime, MonitorOptions Monitor, string? ZonesFile, string? EventsFile, string Tracker, bool Reid, long? MaxFrames, bool Gmc = false);

/// <summary>What <c>vtrack live --cameras</c> runs.</summary>
/// <param name="CamerasFile">The cameras file.</param>
/// <param name="Monitor">Dashboard settings.</param>
/// <param name="Tracker">Tracker name.</param>
/// <param name="Engine">Engine shape (batched, workers).</param>
/// <param name="MaxFrames">Frames per camera, or null for until stopped.</param>
/// <param name="Gmc">Compensate camera motion on every camera (<c>--gmc</c>).</param>
internal sealed record LiveCamerasSettings(string CamerasFile, MonitorOptions Monitor, string Tracker, string Engine, long? MaxFrames, bool Gmc = false);

/// <summary>
/// <c>vtrack live SOURCE</c>: the pipeline in live mode (drop the oldest frame when the detector is behind) behind the
/// web dashboard. A stream or camera that drops is reopened with backoff, for as long as the process runs.
/// </summary>
internal static class LiveCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("source") { Description = SourceHelp.Text + " With --realtime a file plays at its own frame rate, as a camera would. Omit it with --cameras.", Arity = ArgumentArity.ZeroOrOne };
        var cameras = new Option<string?>("--cameras") { Description = "Cameras file (JSON, see samples/cameras.json): monitor every camera it names in this one process, one batched detector call per step, one dashboard." };
        var engine = EngineOption.Create();
        var http = new Option<string>("--http") { Description = "Dashboard address (host:port). Anything but loopback needs --allow-remote and a token.", DefaultValueFactory = _ => "127.0.0.1:8080" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a non-loopback --http address (requires --token or VTRACK_TOKEN)." };
        var token = new Option<string?>("--token") { Description = $"Bearer token required by every request (default: ${MonitorOptions.TokenEnvironmentVariable})." };
        var realtime = new Option<bool>("--realtime") { Description = "Play a video file at its own frame rate, as a camera would deliver it." };
        var zones = new Option<string?>("--zones") { Description = "Zones file (JSON) for counts and events." };
        var events = new Option<string?>("--events") { Description = "Append events to this JSON-lines file as they happen." };
        var frames = new Option<long?>("--frames") { Description = "Stop after this many frames (default: run until Ctrl+C)." };
        var reid = new Option<bool>("--reid") { Description = "Use OSNet re-ID embeddings of person crops." };
        var tracker = TrackerChoice.CreateOption();
        var gmc = GmcOption.Create();
        var stdinStop = StdinStop.CreateOption();
        var det = new DetectorOptions();
        var cmd = new Command("live", "Monitor a camera or stream live, with a web dashboard, events and metrics.")
        {
            source, http, allowRemote, token, realtime, zones, events, frames, reid, tracker, stdinStop, cameras, engine, gmc,
        };
        det.AddTo(cmd, defaultConf: TrackDefaults.DetectionScore);
        cmd.SetHandler(async (p, ct) =>
        {
            var monitor = new MonitorOptions { Listen = p.GetValue(http) ?? "127.0.0.1:8080", AllowRemote = p.GetValue(allowRemote), Token = p.GetValue(token) };
            if (p.GetValue(cameras) is { } camerasFile)
            {
                if (p.GetValue(source) is not null || p.GetValue(zones) is not null || p.GetValue(events) is not null || p.GetValue(reid) || p.GetValue(realtime))
                {
                    throw new VisionTrackerException("--cameras names the sources, zones, events files and realtime playback itself: drop SOURCE, --zones, --events, --realtime and --reid.");
                }

                var many = new LiveCamerasSettings(camerasFile, monitor, p.GetValue(tracker) ?? "attention", p.GetValue(engine) ?? EngineOption.Default, p.GetValue(frames), p.GetValue(gmc));
                using CancellationTokenSource stopMany = StdinStop.Link(p.GetValue(stdinStop), ct);
                await RunCamerasAsync(many, t => det.Build(p, threads: t), server => Console.WriteLine($"dashboard: {server.Address}  (Ctrl+C to stop)"), stopMany.Token).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var settings = new LiveSettings(
                p.GetValue(source) ?? throw new VisionTrackerException("Required argument missing: source (a camera index, URL or file), or --cameras FILE. See vtrack live --help."),
                p.GetValue(realtime),
                monitor,
                p.GetValue(zones),
                p.GetValue(events),
                p.GetValue(tracker) ?? "attention",
                p.GetValue(reid),
                p.GetValue(frames),
                p.GetValue(gmc));
            using CancellationTokenSource stop = StdinStop.Link(p.GetValue(stdinStop), ct);
            await RunAsync(settings, () => det.Build(p), server => Console.WriteLine($"dashboard: {server.Address}  (Ctrl+C to stop)"), stop.Token).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Runs live monitoring until the source ends, <see cref="LiveSettings.MaxFrames"/>, or cancellation.</summary>
    internal static async Task<PipelineStats> RunAsync(LiveSettings settings, Func<DetrDetectorOptions> detectorOptions, Action<MonitorServer>? started, CancellationToken cancellationToken)
    {
        var sourceOptions = new FrameSourceOptions
        {
            // Live: keep trying for as long as the process runs; the backoff caps the retry rate.
            ReconnectAttempts = int.MaxValue,
            Warn = w => Console.Error.WriteLine($"warning: {w}"),
        };
        IFrameSource src = FrameSource.Open(settings.Source, sourceOptions);
        if (settings.Realtime)
        {
            src = new RealtimeSource(src);
        }

        using (src)
        {
            using var run = TrackRun.Create(new TrackRunSettings(src.Info, null, settings.Reid, settings.ZonesFile, settings.Tracker, settings.MaxFrames, settings.Gmc), detectorOptions);
            var hub = new LiveHub(settings.Monitor);
            await using MonitorServer server = await MonitorServer.StartAsync(settings.Monitor, hub, cancellationToken).ConfigureAwait(false);
            ObserveSource(hub, src);

            if (run.Zones is { } z)
            {
                hub.SetZones(z.Monitor.Zones.Select(zone => new MonitorZone(zone.Name, zone.Polygon.Vertices.Select(v => (v.X, v.Y)).ToList())).ToList());
            }

            var sinks = new List<IFrameSink> { run.Summary };
            if (run.Zones is { } zo)
            {
                sinks.Add(new ZoneCountsToHub(zo, hub));
            }

            sinks.Add(hub);
            EventsJsonlSink? events = settings.EventsFile is { } ef ? new EventsJsonlSink(ef, append: true) : null;
            if (events is not null)
            {
                sinks.Add(events);
            }

            try
            {
                TrackingPipeline pipeline = run.CreatePipeline(src, sinks, PipelineMode.Live);
                hub.UsePipelineStats(() => pipeline.Stats);
                started?.Invoke(server);
                await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
                hub.SetSourceState("stopped");
                return pipeline.Stats;
            }
            finally
            {
                events?.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs every camera of a cameras file in one live engine behind one dashboard, until every source ends,
    /// MaxFrames (per camera), or cancellation. Returns each camera's statistics, in file order.
    /// </summary>
    internal static async Task<IReadOnlyList<PipelineStats>> RunCamerasAsync(LiveCamerasSettings settings, Func<int?, DetrDetectorOptions> detectorOptions, Action<MonitorServer>? started, CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraEntry> cameras = CamerasFile.Load(settings.CamerasFile);
        var sourceOptions = new FrameSourceOptions
        {
            ReconnectAttempts = int.MaxValue,
            Warn = w => Console.Error.WriteLine($"warning: {w}"),
        };
        using CameraStreams cams = CameraStreams.Open(cameras, sourceOptions, settings.Tracker, live: true);
        using EngineDetectors detectors = EngineDetectors.Create(settings.Engine, cameras.Count, detectorOptions);
        using var hubs = new MonitorCameras(settings.Monitor);
        var streams = new List<PipelineStream>();
        var eventFiles = new List<EventsJsonlSink>();
        try
        {
            for (int i = 0; i < cameras.Count; i++)
            {
                LiveHub hub = hubs.Add(cameras[i].Name);
                ObserveSource(hub, cams.Sources[i]);
                var sinks = new List<IFrameSink>();
                if (cams.Zones[i] is { } z)
                {
                    hub.SetZones(z.Monitor.Zones.Select(zone => new MonitorZone(zone.Name, zone.Polygon.Vertices.Select(v => (v.X, v.Y)).ToList())).ToList());
                    sinks.Add(new ZoneCountsToHub(z, hub));
                }

                sinks.Add(hub);
                if (cameras[i].Events is { } ef)
                {
                    var events = new EventsJsonlSink(ef, append: true);
                    eventFiles.Add(events);
                    sinks.Add(events);
                }

                PipelineStream stream = cams.Stream(i, sinks);
                hub.UsePipelineStats(() => stream.Stats);
                streams.Add(stream);
            }

            await using MonitorServer server = await MonitorServer.StartAsync(settings.Monitor, hubs, cancellationToken).ConfigureAwait(false);
            var engine = new TrackingEngine(streams, detectors.Workers, detectors.Options(PipelineMode.Live, settings.MaxFrames) with { CompensateCameraMotion = settings.Gmc });
            started?.Invoke(server);
            await engine.RunAsync(cancellationToken).ConfigureAwait(false);
            return streams.Select(s => s.Stats).ToList();
        }
        finally
        {
            eventFiles.ForEach(e => e.Dispose());
        }
    }

    private static void ObserveSource(LiveHub hub, IFrameSource src)
    {
        switch (src)
        {
            case StreamSource s:
                hub.ObserveSource(() => s.State.ToString().ToLowerInvariant(), () => s.Reconnects);
                break;
            case CameraSource c:
                hub.ObserveSource(() => c.State.ToString().ToLowerInvariant(), () => c.Reconnects);
                break;
            default:
                hub.SetSourceState("running");
                break;
        }
    }

    /// <summary>Copies the zone counts to the dashboard after each frame.</summary>
    private sealed class ZoneCountsToHub(ZoneObserver zones, LiveHub hub) : IFrameSink
    {
        public void Write(FrameResult result) =>
            hub.SetZoneCounts(zones.Snapshot.ToDictionary(s => s.Zone.Name, s => s.Total));

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
