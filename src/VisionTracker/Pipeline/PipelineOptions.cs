namespace VisionTracker.Pipeline;

/// <summary>Pipeline settings.</summary>
public sealed record PipelineOptions
{
    /// <summary>Offline (never drop) or live (drop the oldest frame when the detector falls behind).</summary>
    public PipelineMode Mode { get; init; } = PipelineMode.Offline;

    /// <summary>
    /// Capacity of each queue between stages. Small values keep latency and memory low; 2-4 is enough to overlap
    /// decoding, inference and writing. Live mode drops frames once the decode queue holds this many.
    /// </summary>
    public int QueueCapacity { get; init; } = 4;

    /// <summary>Stop after this many frames (null: until the source ends); with several streams, per stream.</summary>
    public long? MaxFrames { get; init; }

    /// <summary>
    /// With several streams: how long the detector stage waits, once it has a frame, for the other streams' frames
    /// before running the batch without them. A slow or dead stream costs the others at most this much per batch.
    /// </summary>
    public TimeSpan BatchWait { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>With several streams: most frames per detector call (at most one per stream in any case).</summary>
    public int MaxBatch { get; init; } = int.MaxValue;

    /// <summary>
    /// Camera-motion compensation (GMC, BoT-SORT's sparse optical flow) for every stream whose
    /// <see cref="PipelineStream.CompensateCameraMotion"/> is null: each frame's camera motion is estimated on the
    /// stream's tracking stage (<see cref="Video.CameraMotionEstimator"/>, one per stream, with the frame's detections
    /// masked out) and handed to the tracker before its update. Off by default: it costs about a fifth of a detector call
    /// per frame and helps only a moving camera. The trackers must implement <see cref="Tracking.ICameraMotionCompensated"/>.
    /// </summary>
    public bool CompensateCameraMotion { get; init; }
}
