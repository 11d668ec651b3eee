using Prometheus;

namespace VisionTracker.Monitor;

/// <summary>
/// The dashboard's Prometheus metrics, in a private registry (so several hubs, and tests, never share state).
/// Counters and gauges are brought up to date from <see cref="LiveHub.GetStatus"/> just before each scrape;
/// only the detector latency histogram is observed as frames pass.
/// </summary>
internal sealed class MonitorMetrics
{
    private readonly Counter _frames;
    private readonly Gauge _fps;
    private readonly Counter _dropped;
    private readonly Histogram _latency;
    private readonly Gauge _tracks;
    private readonly Counter _events;
    private readonly Counter _reconnects;
    private readonly Gauge _lastFrame;
    private readonly Gauge _streamClients;
    private readonly Gauge _eventClients;
    private readonly Gauge _state;
    private readonly Counter _droppedClients;
    private string? _lastState;

    public MonitorMetrics(LiveHub hub)
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        IMetricFactory f = Prometheus.Metrics.WithCustomRegistry(Registry);
        _frames = f.CreateCounter("vtrack_frames_total", "Frames that went through the pipeline.");
        _fps = f.CreateGauge("vtrack_fps", "Frames per second over the last second.");
        _dropped = f.CreateCounter("vtrack_dropped_frames_total", "Frames dropped because the detector was behind (live mode).");
        _latency = f.CreateHistogram("vtrack_detector_latency_seconds", "Detector time per frame (pre-processing, inference, post-processing).", new HistogramConfiguration
        {
            Buckets = Histogram.ExponentialBuckets(0.002, 2, 12),
        });
        _tracks = f.CreateGauge("vtrack_tracks", "Tracks on the last frame.");
        _events = f.CreateCounter("vtrack_events_total", "Events raised since start.");
        _reconnects = f.CreateCounter("vtrack_source_reconnects_total", "Times the source reconnected.");
        _lastFrame = f.CreateGauge("vtrack_last_frame_index", "Source index of the last frame.");
        _streamClients = f.CreateGauge("vtrack_stream_clients", "Open MJPEG stream connections.");
        _eventClients = f.CreateGauge("vtrack_event_clients", "Open server-sent event connections.");
        _state = f.CreateGauge("vtrack_source_state", "1 for the source's current state.", ["state"]);
        _droppedClients = f.CreateCounter(
            "vtrack_http_clients_dropped_total",
            "Stream and event viewers disconnected because they stopped reading (stalled) or fell a full queue behind (overflow).",
            ["endpoint", "reason"]);
        Registry.AddBeforeCollectCallback(() => Refresh(hub.GetStatus()));
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Records <paramref name="frames"/> detections that took <paramref name="seconds"/> each on average.</summary>
    public void ObserveDetectorLatency(double seconds, long frames) => _latency.Observe(seconds, frames);

    /// <summary>Counts a viewer of <paramref name="endpoint"/> (stream, events) disconnected for <paramref name="reason"/> (stalled, overflow).</summary>
    public void CountDroppedClient(string endpoint, string reason) => _droppedClients.WithLabels(endpoint, reason).Inc();

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
                _state.WithLabels(_lastState).Set(0);
            }

            _state.WithLabels(s.SourceState).Set(1);
            _lastState = s.SourceState;
        }
    }
}
