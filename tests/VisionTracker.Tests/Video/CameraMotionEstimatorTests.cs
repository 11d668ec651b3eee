using OpenCvSharp;
using VisionTracker.Geometry;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;

namespace VisionTracker.Tests.Video;

/// <summary>The sparse-flow global motion estimator on a real frame moved by a known transform.</summary>
public class CameraMotionEstimatorTests
{
    private static Mat FirstFrame() =>
        Cv2.ImRead(Path.Combine(TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-09-FRCNN")), "img1", "000001.jpg"));

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void KnownShiftAndZoom_OfARealFrame_IsRecovered()
    {
        using Mat frame = FirstFrame();
        Assert.False(frame.Empty());

        // Zoom 1.01 about the centre, then shift (12.5, −7.25) px, at full 1920x1080 resolution.
        double s = 1.01, cx = frame.Width / 2.0, cy = frame.Height / 2.0;
        var truth = new Affine2(s, 0, cx - (s * cx) + 12.5, 0, s, cy - (s * cy) - 7.25);
        using var m = new Mat(2, 3, MatType.CV_64FC1);
        m.Set(0, 0, truth.A11); m.Set(0, 1, truth.A12); m.Set(0, 2, truth.Tx);
        m.Set(1, 0, truth.A21); m.Set(1, 1, truth.A22); m.Set(1, 2, truth.Ty);
        using var moved = new Mat();
        Cv2.WarpAffine(frame, moved, m, frame.Size(), InterpolationFlags.Linear, BorderTypes.Reflect101);

        using var est = new CameraMotionEstimator();
        Assert.True(est.Estimate(frame).IsIdentity); // first frame: nothing to compare with
        Affine2 got = est.Estimate(moved);
        Assert.True(est.LastInliers >= est.MinPoints);

        // Compare where the transforms send the frame's corners and centre: within a pixel at full resolution.
        foreach (var p in new[] { new PointF(0, 0), new PointF(frame.Width, 0), new PointF(0, frame.Height), new PointF(frame.Width, frame.Height), new PointF((float)cx, (float)cy) })
        {
            PointF a = got.Apply(p), b = truth.Apply(p);
            Assert.True(MathF.Abs(a.X - b.X) < 1f && MathF.Abs(a.Y - b.Y) < 1f, $"{p}: estimated {a}, true {b}");
        }
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void SameFrameTwice_IsAlmostIdentity_AndResetForgetsThePreviousFrame()
    {
        using Mat frame = FirstFrame();
        using var est = new CameraMotionEstimator();
        est.Estimate(frame);
        Affine2 a = est.Estimate(frame);
        Assert.True(Math.Abs(a.Tx) < 0.1 && Math.Abs(a.Ty) < 0.1 && Math.Abs(a.Scale - 1) < 1e-3, a.ToString());
        est.Reset();
        Assert.True(est.Estimate(frame).IsIdentity);
    }
}
