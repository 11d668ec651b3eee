using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>What the pipeline knows about one frame after tracking: the frame itself, its raw detections, its tracks and events.</summary>
/// <param name="Frame">The decoded frame; owned by the pipeline and disposed after every sink has seen it.</param>
/// <param name="Detections">The detector's output for the frame.</param>
/// <param name="Tracks">The tracker's output (boxes with track ids).</param>
/// <param name="Events">Events raised on this frame by frame observers (for example shelf zones); may be empty.</param>
public sealed record FrameResult(Frame Frame, Detections Detections, Detections Tracks, IReadOnlyList<object> Events);
