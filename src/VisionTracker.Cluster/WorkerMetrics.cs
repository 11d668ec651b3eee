using Prometheus;

namespace VisionTracker.Cluster;

/// <summary>The worker's Prometheus metrics, in a registry of its own, served on <c>/metrics</c>.</summary>
public sealed class WorkerMetrics
{
    /// <summary>Creates the metrics, labelled with the worker id.</summary>
    public WorkerMetrics(string worker)
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        var labels = new[] { "worker" };
        JobsDone = f.CreateCounter("vtrack_jobs_done_total", "Jobs finished and acked by this worker.", labels).WithLabels(worker);
        JobsFailed = f.CreateCounter("vtrack_jobs_failed_total", "Jobs dead-lettered by this worker (bad source, malformed message, MaxDeliver reached).", labels).WithLabels(worker);
        JobsRedelivered = f.CreateCounter("vtrack_jobs_redelivered_total", "Jobs this worker received with a delivery count above 1 (a worker died or handed it back).", labels).WithLabels(worker);
        JobsInProgress = f.CreateGauge("vtrack_jobs_in_progress", "Jobs running on this worker now.", labels).WithLabels(worker);
        CamerasHeld = f.CreateGauge("vtrack_cameras_held", "Cameras this worker holds now.", labels).WithLabels(worker);
        Frames = f.CreateCounter("vtrack_frames_total", "Frames processed (jobs and cameras).", labels).WithLabels(worker);
        Fps = f.CreateGauge("vtrack_fps", "Frames per second over the last few seconds.", labels).WithLabels(worker);
        EventsPublished = f.CreateCounter("vtrack_events_published_total", "Events published to NATS.", labels).WithLabels(worker);
    }

    /// <summary>The registry served on /metrics.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Jobs done.</summary>
    public Counter.Child JobsDone { get; }

    /// <summary>Jobs failed.</summary>
    public Counter.Child JobsFailed { get; }

    /// <summary>Jobs redelivered.</summary>
    public Counter.Child JobsRedelivered { get; }

    /// <summary>Jobs in progress.</summary>
    public Gauge.Child JobsInProgress { get; }

    /// <summary>Cameras held.</summary>
    public Gauge.Child CamerasHeld { get; }

    /// <summary>Frames.</summary>
    public Counter.Child Frames { get; }

    /// <summary>Recent fps.</summary>
    public Gauge.Child Fps { get; }

    /// <summary>Events published.</summary>
    public Counter.Child EventsPublished { get; }

    /// <summary>Serves /metrics on <paramref name="listen"/> (HOST:PORT) until disposed.</summary>
    public IDisposable Serve(string listen)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), out int port) || port is < 0 or > 65535)
        {
            throw new VisionTrackerException($"--metrics '{listen}': give HOST:PORT, for example 127.0.0.1:9464.");
        }

        var server = new MetricServer(listen[..colon], port, url: "metrics/", registry: Registry);
        try
        {
            server.Start();
        }
        catch (System.Net.HttpListenerException ex)
        {
            throw new VisionTrackerException($"--metrics {listen}: cannot listen ({ex.Message}).", ex);
        }

        return server;
    }
}
