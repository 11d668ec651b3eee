using VisionTracker.Detection;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Source → detect → track → sinks, as four stages joined by bounded channels, so that while frame t is being
/// detected, frame t+1 is decoded and frame t-1 is tracked and written.
/// </summary>
/// <remarks>
/// Back-pressure comes from the bounds. Offline, the source waits and no frame is dropped. Live, the queue to the
/// detector drops its oldest frame when full, and the drop is counted. Cancellation stops the source; frames
/// already in flight are finished, and every sink is completed, so no output is left half-written.
/// This is the one-stream case of <see cref="TrackingEngine"/>, which runs the stages.
/// </remarks>
public sealed class TrackingPipeline
{
    private readonly PipelineStream _stream;
    private readonly Func<Frame, Detections> _detect;
    private readonly PipelineOptions _options;
    private readonly Detections[] _one = new Detections[1];

    /// <summary>Creates a pipeline over a detector.</summary>
    public TrackingPipeline(IFrameSource source, IDetector detector, ITracker tracker, IReadOnlyList<IFrameObserver>? observers = null, IReadOnlyList<IFrameSink>? sinks = null, PipelineOptions? options = null)
        : this(source, DetectWith(detector), tracker, observers, sinks, options)
    {
    }

    /// <summary>Creates a pipeline over any per-frame detection function (a detector, or detections read from a file).</summary>
    /// <exception cref="VisionTrackerException"><see cref="PipelineOptions.CompensateCameraMotion"/> is on and the tracker cannot compensate camera motion.</exception>
    public TrackingPipeline(IFrameSource source, Func<Frame, Detections> detect, ITracker tracker, IReadOnlyList<IFrameObserver>? observers = null, IReadOnlyList<IFrameSink>? sinks = null, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        _detect = detect ?? throw new ArgumentNullException(nameof(detect));
        ArgumentNullException.ThrowIfNull(tracker);
        _options = options ?? new PipelineOptions();
        if (_options.QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "QueueCapacity must be at least 1.");
        }

        _stream = new PipelineStream(source.Info.Name, source, tracker, observers, sinks);
        _stream.CheckCameraMotion(_options);
    }

    /// <summary>Statistics of the current or last run; safe to read from another thread while running.</summary>
    public PipelineStats Stats => _stream.Stats;

    /// <summary>
    /// Runs the pipeline to the end of the source, or until <paramref name="cancellationToken"/> is cancelled.
    /// Returns true when the source was read to its end (or MaxFrames), false when the run was cancelled.
    /// </summary>
    /// <exception cref="VisionTrackerException">A stage failed on the user's input (for example a truncated video).</exception>
    public Task<bool> RunAsync(CancellationToken cancellationToken = default)
    {
        var engine = new TrackingEngine([_stream], [DetectOne], _options);
        return engine.RunAsync(cancellationToken);
    }

    private static Func<Frame, Detections> DetectWith(IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return f => detector.Detect(f.Image);
    }

    // One frame per call (one stream); the result array is reused, as the engine reads it before the next call.
    private IReadOnlyList<Detections> DetectOne(IReadOnlyList<Frame> frames, IReadOnlyList<PipelineStream> streams)
    {
        _one[0] = _detect(frames[0]);
        return _one;
    }
}
