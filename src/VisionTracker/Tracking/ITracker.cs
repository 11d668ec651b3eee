using VisionTracker.Detection;

namespace VisionTracker.Tracking;

/// <summary>Links one frame's detections to tracks. Deterministic: the same input sequence gives the same ids.</summary>
public interface ITracker
{
    /// <summary>
    /// Consumes one frame's detections (boxes, scores, classes and optional embeddings) taken at
    /// <paramref name="timestampSeconds"/>, and returns the boxes of the tracks that are output this frame
    /// (confirmed and matched), with <see cref="Detections.TrackIds"/> set. Ids start at 1.
    /// </summary>
    Detections Update(Detections detections, double timestampSeconds);

    /// <summary>Forgets every track and restarts ids at 1.</summary>
    void Reset();
}
