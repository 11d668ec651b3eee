using VisionTracker.Detection;
using VisionTracker.Shelf;

namespace VisionTracker.Pipeline;

/// <summary>Runs a <see cref="ZoneMonitor"/> on the pipeline's tracking stage and passes its shelf events on.</summary>
public sealed class ZoneObserver : IFrameObserver
{
    private volatile IReadOnlyList<ZoneSnapshot> _snapshot;

    /// <summary>Observes tracks with <paramref name="monitor"/>.</summary>
    public ZoneObserver(ZoneMonitor monitor)
    {
        Monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        _snapshot = monitor.Snapshot();
    }

    /// <summary>The zone monitor.</summary>
    public ZoneMonitor Monitor { get; }

    /// <summary>The counts after the most recent frame, safe to read from any thread (for drawing and dashboards).</summary>
    public IReadOnlyList<ZoneSnapshot> Snapshot => _snapshot;

    /// <inheritdoc/>
    public IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds) =>
        Observe(null, tracks, frameIndex, timestampSeconds);

    /// <inheritdoc/>
    /// <remarks>The detections let the monitor date returned items before their track started (see <see cref="ZoneMonitor"/>).</remarks>
    public IReadOnlyList<object> Observe(Detections? detections, Detections tracks, long frameIndex, double timestampSeconds)
    {
        var events = Monitor.Update(tracks, detections, frameIndex, timestampSeconds);
        _snapshot = Monitor.Snapshot();
        return events.Count == 0 ? [] : [.. events];
    }

    /// <inheritdoc/>
    public IReadOnlyList<object> Complete(long lastFrameIndex, double lastTimestampSeconds) =>
        lastFrameIndex < 0 ? [] : [.. Monitor.Flush(lastFrameIndex, lastTimestampSeconds)];
}
