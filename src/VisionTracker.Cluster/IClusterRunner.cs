using VisionTracker.Pipeline;

namespace VisionTracker.Cluster;

/// <summary>One job as the worker hands it to the pipeline.</summary>
/// <param name="Job">The job message.</param>
/// <param name="LocalSource">What to open: the shared path or URL, or the downloaded upload.</param>
/// <param name="ZonesFile">The job's zones written to a local file, or null.</param>
/// <param name="OutDir">An empty folder for the result files.</param>
/// <param name="Events">A sink that publishes the job's events (add it to the pipeline's sinks), or null.</param>
public sealed record JobRun(JobMessage Job, string LocalSource, string? ZonesFile, string OutDir, IFrameSink? Events);

/// <summary>One camera as the worker hands it to the live pipeline.</summary>
/// <param name="Camera">The camera.</param>
/// <param name="ZonesFile">Its zones written to a local file, or null.</param>
/// <param name="Events">A sink that publishes its events; add it to the pipeline's sinks.</param>
/// <param name="State">Called after the first frame and every 10 frames with the frames done and the zone counts (for the holder's KV state).</param>
/// <param name="Restore">The previous holder's last published snapshot to continue from (restored before the first frame), or null to start fresh.</param>
/// <param name="Snapshot">Called about once a second of stream time, on the tracking stage, with a fresh snapshot to publish; or null.</param>
public sealed record CameraRun(CameraConfig Camera, string? ZonesFile, IFrameSink Events, Action<long, IReadOnlyDictionary<string, int>> State, CameraSnapshot? Restore = null, Action<CameraSnapshot>? Snapshot = null);

/// <summary>
/// Runs the single-stream pipeline for the worker: the CLI implements it with the same code as <c>vtrack track</c>
/// and <c>vtrack live</c>, so the cluster never has a pipeline of its own.
/// </summary>
public interface IClusterRunner
{
    /// <summary>Runs a job offline into <see cref="JobRun.OutDir"/>; reports (frames done, frames expected); returns the files written.</summary>
    /// <exception cref="VisionTrackerException">The job cannot run (unreadable source, bad zones, bad export): it fails for good.</exception>
    Task<IReadOnlyList<string>> RunJobAsync(JobRun run, Action<long, long?> progress, CancellationToken cancellationToken);

    /// <summary>Runs a camera live until cancelled (the stream is reopened with backoff when it drops).</summary>
    Task RunCameraAsync(CameraRun run, CancellationToken cancellationToken);
}
