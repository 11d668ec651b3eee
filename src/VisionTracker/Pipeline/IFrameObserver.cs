using VisionTracker.Detection;

namespace VisionTracker.Pipeline;

/// <summary>
/// Looks at each frame's tracks on the tracking stage and may raise events (shelf zones are one). Observers run
/// in frame order on one thread, before the sinks.
/// </summary>
public interface IFrameObserver
{
    /// <summary>Observes one frame's tracks and returns the events it raises (an empty list for none).</summary>
    IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds);

    /// <summary>
    /// Observes one frame's tracks together with the detections the tracker was given; the pipeline calls this one.
    /// By default it ignores the detections and calls <see cref="Observe(Detections, long, double)"/>.
    /// </summary>
    IReadOnlyList<object> Observe(Detections detections, Detections tracks, long frameIndex, double timestampSeconds) =>
        Observe(tracks, frameIndex, timestampSeconds);

    /// <summary>Called once when the stream ends; returns events still pending (for example open dwell visits).</summary>
    IReadOnlyList<object> Complete(long lastFrameIndex, double lastTimestampSeconds) => [];
}
