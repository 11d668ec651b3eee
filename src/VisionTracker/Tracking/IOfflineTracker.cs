using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>A box a tracker emits after its frame: a track's tentative box, known to be a real track once it was confirmed.</summary>
/// <param name="TimestampSeconds">Timestamp of the frame the box belongs to (as passed to <see cref="ITracker.Update"/>).</param>
/// <param name="TrackId">Track id.</param>
/// <param name="Box">The matched detection's box.</param>
/// <param name="Score">The matched detection's score.</param>
/// <param name="ClassId">Class id.</param>
public readonly record struct LateTrackBox(double TimestampSeconds, int TrackId, BoxF Box, float Score, int ClassId);

/// <summary>
/// A tracker that can emit boxes for earlier frames (offline runs: exports and evaluation), see
/// <see cref="TrackerOptions.BackfillTentative"/>.
/// </summary>
public interface IOfflineTracker
{
    /// <summary>Moves the late boxes produced since the last call into <paramref name="into"/>.</summary>
    void DrainLateBoxes(List<LateTrackBox> into);
}
