using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Detects objects in frames taken from several streams in one call (one batched inference where the model allows).
/// <paramref name="streams"/>[i] is the stream <paramref name="frames"/>[i] came from (for its class filter).
/// Returns one <see cref="Detections"/> per frame, in order; the list is read before the next call.
/// </summary>
/// <param name="frames">Frames, at most one per stream.</param>
/// <param name="streams">The stream of each frame.</param>
public delegate IReadOnlyList<Detections> BatchDetector(IReadOnlyList<Frame> frames, IReadOnlyList<PipelineStream> streams);
