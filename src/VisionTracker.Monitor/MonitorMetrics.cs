using Prometheus;

namespace VisionTracker.Monitor;

/// <summary>
/// The dashboard's Prometheus metrics, in a private registry (so several hubs, and tests, never share state).
/// Counters and gauges are brought up to date from <see cref="LiveHub.GetStatus"/> just before each scrape;
/// only the detector latency histogram is observed as frames pass.
/// </summary>
internal sealed class MonitorMetrics
{
    private readonly ICounter _frames;
    private readonly IGauge _fps;
    private readonly ICounter _dropped;
    private readonly IHistogram _latency;
    private readonly IGauge _tracks;
    private readonly ICounter _events;
    private readonly ICounter _reconnects;
    private readonly IGauge _lastFrame;
    private readonly IGauge _streamClients;
    private readonly IGauge _eventClients;
    private readonly Gauge _state;
    private readonly Counter _droppedClients;
    private readonly string? _camera;
    private string? _lastState;

    /// <summary>
    /// Metrics of one hub. With <paramref name="camera"/> (several cameras in one process) every metric carries a
    /// <c>camera</c> label and lives in the cameras' shared <paramref name="registry"/>; without, they are unlabelled.
    /// </summary>
    public MonitorMetrics(LiveHub hub, string? camera = null, CollectorRegistry? registry = null)
    {
        _camera = camera;
        Registry = registry ?? Prometheus.Metrics.NewCustomRegistry();
        IMetricFactory f = Prometheus.Metrics.WithCustomRegistry(Registry);
        string[] labels = camera is null ? [] : ["camera"];
        ICounter Counter(string name, string help) => camera is null ? f.CreateCounter(name, help) : f.CreateCounter(name, help, labels).WithLabels(camera);
        IGauge Gauge(string name, string help) => camera is null ? f.CreateGauge(name, help) : f.CreateGauge(name, help, labels).WithLabels(camera);
        _frames = Counter("vtrack_frames_total", "Frames that went through the pipeline.");
        _fps = Gauge("vtrack_fps", "Frames per second over the last second.");
        _dropped = Counter("vtrack_dropped_frames_total", "Frames dropped because the detector was behind (live mode).");
        var latency = f.CreateHistogram("vtrack_detector_latency_seconds", "Detector time per frame (pre-processing, inference, post-processing).", labels, new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.002, 2, 12),
        });
        _latency = camera is null ? latency : latency.WithLabels(camera);
        _tracks = Gauge("vtrack_tracks", "Tracks on the last frame.");
        _events = Counter("vtrack_events_total", "Events raised since start.");
        _reconnects = Counter("vtrack_source_reconnects_total", "Times the source reconnected.");
        _lastFrame = Gauge("vtrack_last_frame_index", "Source index of the last frame.");
        _streamClients = Gauge("vtrack_stream_clients", "Open MJPEG stream connections.");
        _eventClients = Gauge("vtrack_event_clients", "Open server-sent event connections.");
        _state = f.CreateGauge("vtrack_source_state", "1 for the source's current state.", [.. labels, "state"]);
        _droppedClients = f.CreateCounter(
            "vtrack_http_clients_dropped_total",
            "Stream and event viewers disconnected because they stopped reading (stalled) or fell a full queue behind (overflow).",
            [.. labels, "endpoint", "reason"]);
        Registry.AddBeforeCollectCallback(() => Refresh(hub.GetStatus()));
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Records <paramref name="frames"/> detections that took <paramref name="seconds"/> each on average.</summary>
    public void ObserveDetectorLatency(double seconds, long frames) => _latency.Observe(seconds, frames);

    /// <summary>Counts a viewer of <paramref name="endpoint"/> (stream, events) disconnected for <paramref name="reason"/> (stalled, overflow).</summary>
    public void CountDroppedClient(string endpoint, string reason) =>
        (_camera is null ? _droppedClients.WithLabels(endpoint, reason) : _droppedClients.WithLabels(_camera, endpoint, reason)).Inc();

    private void Refresh(MonitorStatus s)
    {
        _frames.IncTo(s.Frames);
        _fps.Set(s.Fps);
        _dropped.IncTo(s.DroppedFrames);
        _tracks.Set(s.Tracks);
        _events.IncTo(s.Events);
        _reconnects.IncTo(s.Reconnects);
        _lastFrame.Set(s.LastFrameIndex);
        _streamClients.Set(s.StreamClients);
        _eventClients.Set(s.EventClients);
        if (_lastState != s.SourceState)
        {
            if (_lastState is not null)
            {
                State(_lastState).Set(0);
            }

            State(s.SourceState).Set(1);
            _lastState = s.SourceState;
        }
    }

    private IGauge State(string state) => _camera is null ? _state.WithLabels(state) : _state.WithLabels(_camera, state);
}
