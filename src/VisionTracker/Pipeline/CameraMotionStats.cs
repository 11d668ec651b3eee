using VisionTracker.Geometry;

namespace VisionTracker.Pipeline;

/// <summary>
/// What a stream's camera-motion compensation (GMC) did: how far the estimated camera motion moved the frame centre
/// per frame, on how many frames no motion could be estimated, and the estimator's time. Written by the stream's
/// tracking stage only; readers get values that may be one frame stale.
/// </summary>
public sealed class CameraMotionStats
{
    private readonly object _gate = new();
    private long _frames;
    private long _unestimated;
    private double _sum;
    private double _max;

    /// <summary>Time spent estimating the motion (downscale, gray, corners, optical flow, RANSAC), per frame.</summary>
    public StageStats Estimate { get; } = new("gmc");

    /// <summary>Frame pairs estimated (every frame after the stream's first).</summary>
    public long Frames
    {
        get
        {
            lock (_gate)
            {
                return _frames;
            }
        }
    }

    /// <summary>Frame pairs where too few points were tracked, so the identity (no motion) was applied.</summary>
    public long Unestimated
    {
        get
        {
            lock (_gate)
            {
                return _unestimated;
            }
        }
    }

    /// <summary>Mean displacement of the frame centre by the estimated motion, in full-resolution pixels per frame.</summary>
    public double MeanPixels
    {
        get
        {
            lock (_gate)
            {
                return _frames == 0 ? 0 : _sum / _frames;
            }
        }
    }

    /// <summary>Largest displacement of the frame centre by the estimated motion, in pixels per frame.</summary>
    public double MaxPixels
    {
        get
        {
            lock (_gate)
            {
                return _max;
            }
        }
    }

    /// <summary>
    /// How far <paramref name="motion"/> moves the centre of a <paramref name="width"/> x <paramref name="height"/>
    /// frame, in pixels (translation, and the part of rotation and zoom that moves the centre).
    /// </summary>
    public static double CentreDisplacement(in Affine2 motion, int width, int height)
    {
        double cx = width / 2.0;
        double cy = height / 2.0;
        double dx = (motion.A11 * cx) + (motion.A12 * cy) + motion.Tx - cx;
        double dy = (motion.A21 * cx) + (motion.A22 * cy) + motion.Ty - cy;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    /// <summary>Records one frame pair's estimate (<paramref name="estimated"/>: false when the estimator fell back to the identity).</summary>
    internal void Add(in Affine2 motion, int width, int height, bool estimated)
    {
        double d = CentreDisplacement(motion, width, height);
        lock (_gate)
        {
            _frames++;
            _sum += d;
            _max = Math.Max(_max, d);
            if (!estimated)
            {
                _unestimated++;
            }
        }
    }
}
