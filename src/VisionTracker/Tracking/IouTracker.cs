using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// The baseline: the same lifecycle as <see cref="CrossAttentionTracker"/> with ByteTrack's IoU association (first stage
/// score-fused IoU over confirmed and lost tracks, second stage IoU with low-score detections, tentative stage IoU).
/// Embeddings are ignored.
/// </summary>
public sealed class IouTracker : ITracker, IOfflineTracker, IRestorableTracker, ICameraMotionCompensated
{
    private readonly TrackerEngine _engine;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">Thresholds; <see cref="TrackerOptions.Default"/> when null.</param>
    public IouTracker(TrackerOptions? options = null) =>
        _engine = new TrackerEngine(options ?? TrackerOptions.Default, attention: false);

    /// <summary>Live tracks (for tests and diagnostics).</summary>
    internal IReadOnlyList<Track> Tracks => _engine.Tracks;

    /// <inheritdoc/>
    public Detections Update(Detections detections, double timestampSeconds) => _engine.Update(detections, timestampSeconds);

    /// <inheritdoc/>
    public void Reset() => _engine.Reset();

    /// <inheritdoc/>
    public TrackerSnapshot Capture() => _engine.Capture();

    /// <inheritdoc/>
    public void Restore(TrackerSnapshot snapshot) => _engine.Restore(snapshot);

    /// <inheritdoc/>
    public void ApplyCameraMotion(in Affine2 previousToCurrent) => _engine.ApplyCameraMotion(previousToCurrent);

    /// <inheritdoc/>
    public void DrainLateBoxes(List<LateTrackBox> into) => _engine.DrainLateBoxes(into);
}
