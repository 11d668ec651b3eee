using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// The cross-attention matching tracker (DESIGN.md): Kalman prediction, a first stage where confirmed and lost tracks
/// attend to high-score detections through <c>[embedding ; γ·PE(box)]</c> queries and keys with class and motion gates
/// and a dustbin, ByteTrack's IoU second stage for low-score detections, IoU matching of tentative tracks, and the
/// Tentative → Confirmed → Lost → Removed lifecycle. Lost tracks are re-found by appearance within
/// <see cref="TrackerOptions.LostSeconds"/>, their motion gate widening with the time lost.
/// </summary>
/// <remarks>
/// Without embeddings the first stage runs attention on geometry alone (positional encoding plus the IoU term,
/// appearance term 0, <see cref="TrackerOptions.AttentionWithoutEmbeddings"/>), which measured better than IoU on
/// public detections; with that option off it is exactly <see cref="IouTracker"/>'s (score-fused IoU). Deterministic: tracks are visited in id order and ties in the
/// assignment are broken by index.
/// </remarks>
/// <example>
/// Driving it from MOTChallenge <c>det.txt</c> rows (<c>frame,-1,x,y,w,h,conf</c>): call <see cref="Update"/> once per
/// frame, in order, with timestamp (frame − 1) / fps, and with <see cref="Detections.Empty"/> for frames without rows
/// (so lost tracks age):
/// <code>
/// var tracker = new CrossAttentionTracker();
/// for (int frame = 1; frame &lt;= seqLength; frame++)
/// {
///     var rows = rowsByFrame[frame]; // may be empty
///     var dets = new Detections(rows.Select(r => BoxF.FromXywh(r.X, r.Y, r.W, r.H)).ToArray(),
///                               rows.Select(r => r.Conf / confScale).ToArray(), new int[rows.Count]);
///     Detections tracks = tracker.Update(dets, (frame - 1) / fps);
///     // one output row per k: frame, tracks.TrackIds[k], tracks.Boxes[k] as x, y, w, h
/// }
/// </code>
/// Public det.txt confidences are not always in [0, 1] (TUD-Campus spans 0.1 to 133): map them into [0, 1] first, or
/// set the score thresholds of <see cref="TrackerOptions"/> in the file's units. Output boxes are the matched
/// detections' boxes (not Kalman-smoothed).
/// </example>
public sealed class CrossAttentionTracker : ITracker, IOfflineTracker, IRestorableTracker, ICameraMotionCompensated
{
    private readonly TrackerEngine _engine;

    /// <summary>Creates a tracker.</summary>
    /// <param name="options">Thresholds; <see cref="TrackerOptions.Default"/> when null.</param>
    public CrossAttentionTracker(TrackerOptions? options = null) =>
        _engine = new TrackerEngine(options ?? TrackerOptions.Default, attention: true);

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
