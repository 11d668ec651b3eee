using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// One stream of a <see cref="TrackingEngine"/>: a source with its own tracker, frame observers (zones), sinks and
/// counters. Nothing here is shared with the engine's other streams.
/// </summary>
/// <param name="name">The stream's name (the camera label on the dashboard and in metrics).</param>
/// <param name="source">Where frames come from; the caller owns and disposes it.</param>
/// <param name="tracker">The stream's own tracker.</param>
/// <param name="observers">Frame observers (zone monitors), run on the stream's tracking stage.</param>
/// <param name="sinks">Where results go; completed by the engine at the end of the run, disposed by the caller.</param>
/// <param name="classFilter">Classes this stream keeps (applied by the batch detector), or null for the detector's own setting.</param>
public sealed class PipelineStream(
    string name,
    IFrameSource source,
    ITracker tracker,
    IReadOnlyList<IFrameObserver>? observers = null,
    IReadOnlyList<IFrameSink>? sinks = null,
    IReadOnlySet<int>? classFilter = null)
{
    /// <summary>The stream's name.</summary>
    public string Name { get; } = name ?? throw new ArgumentNullException(nameof(name));

    /// <summary>Where frames come from.</summary>
    public IFrameSource Source { get; } = source ?? throw new ArgumentNullException(nameof(source));

    /// <summary>The stream's tracker.</summary>
    public ITracker Tracker { get; } = tracker ?? throw new ArgumentNullException(nameof(tracker));

    /// <summary>Frame observers (zone monitors).</summary>
    public IReadOnlyList<IFrameObserver> Observers { get; } = observers ?? [];

    /// <summary>Result sinks.</summary>
    public IReadOnlyList<IFrameSink> Sinks { get; } = sinks ?? [];

    /// <summary>Classes kept for this stream, or null for the detector's own class filter.</summary>
    public IReadOnlySet<int>? ClassFilter { get; } = classFilter;

    /// <summary>Stop this stream after this many frames (null: the engine's <see cref="PipelineOptions.MaxFrames"/>).</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Offline or live for this stream's queue to the detector (null: the engine's <see cref="PipelineOptions.Mode"/>).</summary>
    public PipelineMode? Mode { get; init; }

    /// <summary>
    /// Camera-motion compensation for this stream (null: the engine's <see cref="PipelineOptions.CompensateCameraMotion"/>).
    /// </summary>
    public bool? CompensateCameraMotion { get; init; }

    /// <summary>Statistics of the current or last run (a new object per run); safe to read while running.</summary>
    public PipelineStats Stats { get; internal set; } = new();

    /// <summary>The failure that ended this stream in the last run, or null.</summary>
    public Exception? Error { get; internal set; }

    /// <summary>Whether this stream compensates camera motion under <paramref name="options"/>.</summary>
    internal bool CompensatesUnder(PipelineOptions options) => CompensateCameraMotion ?? options.CompensateCameraMotion;

    /// <summary>Throws when this stream is to compensate camera motion and its tracker cannot.</summary>
    /// <exception cref="VisionTrackerException">The tracker does not implement <see cref="ICameraMotionCompensated"/>.</exception>
    internal void CheckCameraMotion(PipelineOptions options)
    {
        if (CompensatesUnder(options) && Tracker is not ICameraMotionCompensated)
        {
            throw new VisionTrackerException($"{Name}: camera-motion compensation needs a tracker that can take camera motion; {Tracker.GetType().Name} cannot.");
        }
    }
}
