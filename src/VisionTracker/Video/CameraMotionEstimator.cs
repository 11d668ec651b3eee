using OpenCvSharp;
using VisionTracker.Geometry;

namespace VisionTracker.Video;

/// <summary>
/// Global camera-motion estimate between consecutive frames (BoT-SORT's GMC, "sparseOptFlow"): Shi-Tomasi corners on the
/// previous downscaled gray frame, tracked into the current one with pyramidal Lucas-Kanade, and a RANSAC similarity
/// (<c>estimateAffinePartial2D</c>: translation, rotation, uniform scale) fitted to the pairs, so moving people are
/// outliers. The result, in full-resolution pixels, goes to <see cref="Tracking.ICameraMotionCompensated"/>.
/// </summary>
/// <remarks>
/// Image buffers (the downscaled frame, both gray frames, the point, status and error arrays) are owned and reused, so a
/// steady-state frame allocates no image memory; OpenCvSharp's corner detector still returns one small managed array
/// of points per frame. Not thread-safe: one instance per stream.
/// </remarks>
public sealed class CameraMotionEstimator : IDisposable
{
    private readonly Mat _small = new();
    private Mat _gray = new();
    private Mat _prevGray = new();
    private readonly Mat _prevPts = new();
    private readonly Mat _nextPts = new();
    private readonly Mat _status = new();
    private readonly Mat _err = new();
    private readonly Mat _from = new();
    private readonly Mat _to = new();
    private readonly Mat _inliers = new();
    private readonly int _maxSide;
    private readonly int _maxCorners;
    private bool _hasPrevious;

    /// <summary>Creates an estimator.</summary>
    /// <param name="maxSide">Frames are downscaled so their longer side is at most this many pixels before estimation (BoT-SORT halves 1080p to 960; 320 costs a third of 640 and still recovers a known shift of a 1080p frame within a pixel).</param>
    /// <param name="maxCorners">Corners tracked per frame.</param>
    public CameraMotionEstimator(int maxSide = 320, int maxCorners = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCorners, 8);
        _maxSide = maxSide;
        _maxCorners = maxCorners;
    }

    /// <summary>Points (corners tracked and RANSAC inliers) below which no motion is reported (identity).</summary>
    public int MinPoints { get; init; } = 12;

    /// <summary>Inliers of the last estimate (0 when it fell back to the identity).</summary>
    public int LastInliers { get; private set; }

    /// <summary>
    /// Takes the next frame (8-bit BGR or gray) and returns the camera motion from the previous frame to it: a
    /// previous-frame pixel maps to the returned current-frame pixel. The first frame, and a frame where too few points
    /// are tracked, give <see cref="Affine2.Identity"/>.
    /// </summary>
    public Affine2 Estimate(Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        double s = Math.Min(1.0, _maxSide / (double)Math.Max(image.Width, image.Height));
        Mat src = image;
        if (s < 1.0)
        {
            Cv2.Resize(image, _small, new Size((int)Math.Round(image.Width * s), (int)Math.Round(image.Height * s)), 0, 0, InterpolationFlags.Area);
            src = _small;
        }

        if (src.Channels() == 1)
        {
            src.CopyTo(_gray);
        }
        else
        {
            Cv2.CvtColor(src, _gray, ColorConversionCodes.BGR2GRAY);
        }

        Affine2 result = Affine2.Identity;
        LastInliers = 0;
        if (_hasPrevious && _prevGray.Size() == _gray.Size())
        {
            result = Track(s);
        }

        (_prevGray, _gray) = (_gray, _prevGray);
        _hasPrevious = true;
        return result;
    }

    /// <summary>Forgets the previous frame (the next frame gives the identity).</summary>
    public void Reset() => _hasPrevious = false;

    /// <inheritdoc/>
    public void Dispose()
    {
        _small.Dispose();
        _gray.Dispose();
        _prevGray.Dispose();
        _prevPts.Dispose();
        _nextPts.Dispose();
        _status.Dispose();
        _err.Dispose();
        _from.Dispose();
        _to.Dispose();
        _inliers.Dispose();
    }

    private unsafe Affine2 Track(double s)
    {
        Point2f[] corners = Cv2.GoodFeaturesToTrack(_prevGray, _maxCorners, 0.01, 1, null!, 3, false, 0.04);
        int n = corners.Length;
        if (n < MinPoints)
        {
            return Affine2.Identity;
        }

        _prevPts.Create(n, 1, MatType.CV_32FC2);
        corners.AsSpan().CopyTo(new Span<Point2f>((void*)_prevPts.Data, n));
        Cv2.CalcOpticalFlowPyrLK(_prevGray, _gray, _prevPts, _nextPts, _status, _err);
        _from.Create(n, 1, MatType.CV_32FC2);
        _to.Create(n, 1, MatType.CV_32FC2);
        var status = new ReadOnlySpan<byte>((void*)_status.Data, n);
        var prev = new ReadOnlySpan<Point2f>((void*)_prevPts.Data, n);
        var next = new ReadOnlySpan<Point2f>((void*)_nextPts.Data, n);
        var from = new Span<Point2f>((void*)_from.Data, n);
        var to = new Span<Point2f>((void*)_to.Data, n);
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            if (status[i] != 0)
            {
                from[m] = prev[i];
                to[m++] = next[i];
            }
        }

        if (m < MinPoints)
        {
            return Affine2.Identity;
        }

        using Mat fromRows = _from.RowRange(0, m);
        using Mat toRows = _to.RowRange(0, m);
        using Mat? a = Cv2.EstimateAffinePartial2D(fromRows, toRows, _inliers, RobustEstimationAlgorithms.RANSAC, 3.0, 2000, 0.99, 10);
        if (a is null || a.Empty())
        {
            return Affine2.Identity;
        }

        int inliers = Cv2.CountNonZero(_inliers);
        if (inliers < MinPoints)
        {
            return Affine2.Identity;
        }

        LastInliers = inliers;

        // Estimated on the downscaled frame: the linear part is the same at full resolution, the translation is / s.
        var p = new ReadOnlySpan<double>((void*)a.Data, 6);
        return new Affine2(p[0], p[1], p[2] / s, p[3], p[4], p[5] / s);
    }
}
