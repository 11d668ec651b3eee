using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// A tracker that can follow a moving camera: before each <see cref="ITracker.Update"/>, the caller hands it the camera
/// motion since the previous frame (a global motion estimate, e.g. <c>Video.CameraMotionEstimator</c>, BoT-SORT's GMC),
/// and it moves its tracks' predictions into the new frame's coordinates.
/// </summary>
public interface ICameraMotionCompensated
{
    /// <summary>
    /// Moves every track's motion state by <paramref name="previousToCurrent"/> (a previous-frame pixel maps to this
    /// current-frame pixel). Call once per frame, before <see cref="ITracker.Update"/> for the current frame.
    /// </summary>
    void ApplyCameraMotion(in Affine2 previousToCurrent);
}
