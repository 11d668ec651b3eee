namespace VisionTracker.Pipeline;

/// <summary>How the pipeline behaves when a later stage is slower than the source.</summary>
public enum PipelineMode
{
    /// <summary>Recorded video: the source waits for the detector; no frame is ever dropped.</summary>
    Offline,

    /// <summary>Live camera or stream: when the queue to the detector is full, the oldest frame is dropped and counted.</summary>
    Live,
}
