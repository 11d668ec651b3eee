using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Video;

/// <summary>
/// Global camera-motion estimate between consecutive frames (BoT-SORT's GMC, "sparseOptFlow"): Shi-Tomasi corners on the
/// previous downscaled gray frame, tracked into the current one with pyramidal Lucas-Kanade, and a RANSAC similarity
/// (<c>estimateAffinePartial2D</c>: translation, rotation, uniform scale) fitted to the pairs, so moving people are
/// outliers. Corners inside the frame's detected objects are left out when the detections are given (BoT-SORT masks
/// them too), and a corner must track back to where it started (forward-backward check). The result, in
/// full-resolution pixels, goes to <see cref="Tracking.ICameraMotionCompensated"/>.
/// </summary>
/// <remarks>
/// Image buffers (the downscaled frame, both gray frames and masks, the point, status and error arrays) are owned and
/// reused, so a steady-state frame allocates no image memory; OpenCvSharp's corner detector still returns one small managed array
/// of points per frame. Not thread-safe: one instance per stream.
/// </remarks>
public sealed class CameraMotionEstimator : IDisposable
{
    private readonly Mat _small = new();
    private Mat _gray = new();
    private Mat _prevGray = new();
    private Mat _mask = new();
    private Mat _prevMask = new();
    private bool _hasMask;
    private bool _hasPrevMask;
    private readonly Mat _prevPts = new();
    private readonly Mat _nextPts = new();
    private readonly Mat _status = new();
    private readonly Mat _err = new();
    private readonly Mat _from = new();
    private readonly Mat _to = new();
    private readonly Mat _inliers = new();
    private readonly Mat _backPts = new();
    private readonly Mat _backStatus = new();
    private readonly Mat _backErr = new();
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

    /// <summary>
    /// Forward-backward check (Kalal et al. 2010): each corner tracked into the current frame is tracked back into the
    /// previous one, and kept only if it lands within this many pixels (at the estimation scale) of where it started.
    /// Sensor noise on a low-texture surface tracks to random places and fails it. 0 disables.
    /// </summary>
    public float MaxForwardBackwardError { get; init; } = 0.5f;

    /// <summary>Points tracked into the last frame that passed the forward-backward check (0 when none were tracked).</summary>
    public int LastTracked { get; private set; }

    /// <summary>
    /// Detected objects scoring at least this are left out of the corners (BoT-SORT's GMC masks its detections the same
    /// way): objects are what moves on their own, so a car passing a fixed camera must not be read as the camera moving.
    /// Used when <see cref="Estimate(Mat, Detections?)"/> is given the frame's detections.
    /// </summary>
    public float MaskMinScore { get; init; } = 0.3f;

    /// <summary>Detected boxes covering more than this share of the frame are not masked (see <see cref="MaskMinScore"/>).</summary>
    public float MaskMaxAreaShare { get; init; } = 0.5f;

    /// <summary>Inliers of the last estimate (0 when it fell back to the identity).</summary>
    public int LastInliers { get; private set; }

    /// <summary>
    /// Takes the next frame (8-bit BGR or gray) and returns the camera motion from the previous frame to it: a
    /// previous-frame pixel maps to the returned current-frame pixel. The first frame, and a frame where too few points
    /// are tracked, give <see cref="Affine2.Identity"/>.
    /// </summary>
    public Affine2 Estimate(Mat image) => Estimate(image, null);

    /// <summary>
    /// As <see cref="Estimate(Mat)"/>, with the frame's detections (boxes in this frame's pixels): corners are taken on the
    /// previous frame outside its detected objects scoring at least <see cref="MaskMinScore"/>.
    /// </summary>
    public Affine2 Estimate(Mat image, Detections? objects)
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

        BuildMask(objects, s);
        Affine2 result = Affine2.Identity;
        LastInliers = 0;
        LastTracked = 0;
        if (_hasPrevious && _prevGray.Size() == _gray.Size())
        {
            result = Track(s);
        }

        (_prevGray, _gray) = (_gray, _prevGray);
        (_prevMask, _mask) = (_mask, _prevMask);
        _hasPrevMask = _hasMask;
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
        _mask.Dispose();
        _prevMask.Dispose();
        _prevPts.Dispose();
        _nextPts.Dispose();
        _status.Dispose();
        _err.Dispose();
        _from.Dispose();
        _to.Dispose();
        _inliers.Dispose();
        _backPts.Dispose();
        _backStatus.Dispose();
        _backErr.Dispose();
    }

    /// <summary>The mask of this frame (255 where corners may be taken) at the estimation scale, or none.</summary>
    private void BuildMask(Detections? objects, double s)
    {
        _hasMask = false;
        if (objects is null || objects.Count == 0)
        {
            return;
        }

        ReadOnlySpan<BoxF> boxes = objects.Boxes;
        ReadOnlySpan<float> scores = objects.Scores;
        int w = _gray.Width, h = _gray.Height;
        for (int i = 0; i < boxes.Length; i++)
        {
            // A box over most of the frame is not an object moving in front of the background (Femto calls a whole
            // asphalt road a 0.35 "cake"): masking it would leave nothing to estimate from.
            if (scores[i] < MaskMinScore || boxes[i].Width * boxes[i].Height * s * s > MaskMaxAreaShare * w * h)
            {
                continue;
            }

            if (!_hasMask)
            {
                _mask.Create(h, w, MatType.CV_8UC1);
                _mask.SetTo(Scalar.All(255));
                _hasMask = true;
            }

            int x1 = Math.Clamp((int)Math.Floor(boxes[i].X1 * s), 0, w), y1 = Math.Clamp((int)Math.Floor(boxes[i].Y1 * s), 0, h);
            int x2 = Math.Clamp((int)Math.Ceiling(boxes[i].X2 * s), 0, w), y2 = Math.Clamp((int)Math.Ceiling(boxes[i].Y2 * s), 0, h);
            if (x2 > x1 && y2 > y1)
            {
                Cv2.Rectangle(_mask, new Rect(x1, y1, x2 - x1, y2 - y1), Scalar.All(0), -1);
            }
        }
    }

    private unsafe Affine2 Track(double s)
    {
        bool masked = _hasPrevMask && _prevMask.Size() == _prevGray.Size();
        Point2f[] corners = Cv2.GoodFeaturesToTrack(_prevGray, _maxCorners, 0.01, 1, masked ? _prevMask : null!, 3, false, 0.04);
        int n = corners.Length;
        if (n < MinPoints)
        {
            return Affine2.Identity;
        }

        _prevPts.Create(n, 1, MatType.CV_32FC2);
        corners.AsSpan().CopyTo(new Span<Point2f>((void*)_prevPts.Data, n));
        Cv2.CalcOpticalFlowPyrLK(_prevGray, _gray, _prevPts, _nextPts, _status, _err);
        bool fb = MaxForwardBackwardError > 0;
        if (fb)
        {
            Cv2.CalcOpticalFlowPyrLK(_gray, _prevGray, _nextPts, _backPts, _backStatus, _backErr);
        }

        _from.Create(n, 1, MatType.CV_32FC2);
        _to.Create(n, 1, MatType.CV_32FC2);
        var status = new ReadOnlySpan<byte>((void*)_status.Data, n);
        var prev = new ReadOnlySpan<Point2f>((void*)_prevPts.Data, n);
        var next = new ReadOnlySpan<Point2f>((void*)_nextPts.Data, n);
        var backStatus = fb ? new ReadOnlySpan<byte>((void*)_backStatus.Data, n) : default;
        var back = fb ? new ReadOnlySpan<Point2f>((void*)_backPts.Data, n) : default;
        var from = new Span<Point2f>((void*)_from.Data, n);
        var to = new Span<Point2f>((void*)_to.Data, n);
        float fbMax2 = MaxForwardBackwardError * MaxForwardBackwardError;
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            if (status[i] == 0)
            {
                continue;
            }

            if (fb)
            {
                float ex = back[i].X - prev[i].X, ey = back[i].Y - prev[i].Y;
                if (backStatus[i] == 0 || (ex * ex) + (ey * ey) > fbMax2)
                {
                    continue;
                }
            }

            from[m] = prev[i];
            to[m++] = next[i];
        }

        LastTracked = m;
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
