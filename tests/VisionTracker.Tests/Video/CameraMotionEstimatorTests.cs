using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
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

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void LargeObjectMovingOverAFixedScene_IsNotCameraMotion_WhenItsDetectionIsGiven()
    {
        // A textured patch covering 60% of a real frame moves 16 px right between two frames; the rest of the frame stays.
        using Mat frame = FirstFrame();
        var patch = new Rect(200, 150, 1150, 750);
        using Mat texture = frame[new Rect(700, 300, patch.Width, patch.Height)].Clone();
        Cv2.Resize(texture, texture, patch.Size);
        using Mat a = frame.Clone(), b = frame.Clone();
        texture.CopyTo(a[patch]);
        texture.CopyTo(b[new Rect(patch.X + 16, patch.Y, patch.Width, patch.Height)]);

        using var plain = new CameraMotionEstimator();
        plain.Estimate(a);
        double unmasked = plain.Estimate(b).Tx;
        Assert.True(unmasked > 4, $"without the detection the patch should read as motion (test premise): Tx {unmasked:0.0}");

        static Detections Object(Rect r, float score) => new([new BoxF(r.X, r.Y, r.Right, r.Bottom)], [score], [0]);
        using var masked = new CameraMotionEstimator();
        masked.Estimate(a, Object(patch, 0.9f));
        Affine2 got = masked.Estimate(b, Object(new Rect(patch.X + 16, patch.Y, patch.Width, patch.Height), 0.9f));
        Assert.True(masked.LastInliers >= masked.MinPoints, "too few corners outside the object");
        double centre = CameraMotionStats.CentreDisplacement(got, frame.Width, frame.Height);
        Assert.True(centre < 1, $"the object's motion leaked into the camera's: {centre:0.00} px at the centre, {got}");

        // A detection below MaskMinScore, or one over most of the frame, masks nothing.
        using var low = new CameraMotionEstimator();
        low.Estimate(a, Object(patch, 0.2f));
        Assert.True(low.Estimate(b, Object(patch, 0.2f)).Tx > 4);
        using var huge = new CameraMotionEstimator();
        var all = new Rect(0, 0, frame.Width, frame.Height);
        huge.Estimate(a, Object(all, 0.9f));
        Assert.True(huge.Estimate(b, Object(all, 0.9f)).Tx > 4);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void CarPassingAFixedCamera_ReadsAsNoMotion_WithTheFramesDetections()
    {
        // car-detection.mp4 is a fixed camera over plain asphalt; a car crosses it in frames 56-112. Without its detection
        // the car's corners outnumber the asphalt's and read as 10-30 px/frame of camera motion.
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Femto, ScoreThreshold = 0.1f, EnableEmbeddingTap = false });
        using var source = VisionTracker.Video.FrameSource.Open(TestData.Video("car-detection.mp4"), new FrameSourceOptions { StartFrame = 56, EndFrame = 112 });
        using var plain = new CameraMotionEstimator();
        using var masked = new CameraMotionEstimator();
        double plainMax = 0, maskedMax = 0;
        int frames = 0;
        while (source.Read() is { } f)
        {
            using (f)
            {
                double p = CameraMotionStats.CentreDisplacement(plain.Estimate(f.Image), f.Image.Width, f.Image.Height);
                double m = CameraMotionStats.CentreDisplacement(masked.Estimate(f.Image, det.Detect(f.Image)), f.Image.Width, f.Image.Height);
                if (frames++ > 0)
                {
                    plainMax = Math.Max(plainMax, p);
                    maskedMax = Math.Max(maskedMax, m);
                }
            }
        }

        Assert.True(frames >= 50, $"{frames} frames read");
        Assert.True(plainMax > 5, $"without detections: max {plainMax:0.00} px/frame (test premise)");
        Assert.True(maskedMax < 1, $"with detections: max {maskedMax:0.00} px/frame on a fixed camera");
    }
}
