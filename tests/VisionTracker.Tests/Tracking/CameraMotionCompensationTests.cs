using VisionTracker.Geometry;
using VisionTracker.Tracking;
using static VisionTracker.Tests.Tracking.SyntheticScene;

namespace VisionTracker.Tests.Tracking;

/// <summary>Camera-motion compensation in the tracker: the affine warp of the Kalman state, and tracks kept through a shaking camera.</summary>
public class CameraMotionCompensationTests
{
    private static readonly BoxF Box = BoxF.FromCxcywh(100, 200, 20, 40);

    [Fact]
    public void Affine2_ApplyAndThen_ComposeInOrder()
    {
        var rot = new Affine2(0, -1, 0, 1, 0, 0); // 90° turn
        var shift = new Affine2(1, 0, 10, 0, 1, -5);
        Assert.Equal(new PointF(10, -4), rot.Then(shift).Apply(new PointF(1, 0)));
        Assert.Equal(new PointF(5, 11), shift.Then(rot).Apply(new PointF(1, 0))); // (11, −5) turned
        Assert.True(Affine2.Identity.IsIdentity);
        Assert.Equal(2.0, new Affine2(2, 0, 0, 0, 2, 0).Scale, 12);
    }

    [Fact]
    public void Warp_Translation_MovesCentreOnly_CovarianceUnchanged()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        s.Mean[4] = 3;
        KalmanState before = s;
        KalmanBoxFilter.Warp(ref s, new Affine2(1, 0, 15, 0, 1, -4));
        Assert.Equal(115, s.Mean[0], 9);
        Assert.Equal(196, s.Mean[1], 9);
        Assert.Equal(20, s.Mean[2], 9);
        Assert.Equal(3, s.Mean[4], 9); // velocity is a direction: no translation
        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(before.Covariance[i], s.Covariance[i], 12);
        }
    }

    [Fact]
    public void Warp_RotationAndZoom_TurnsVelocity_ScalesSize_AndTransformsCovariance()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        s.Mean[4] = 3; // vcx
        s.Covariance[(0 * 8) + 4] = s.Covariance[(4 * 8) + 0] = 0.5; // cx-vcx correlation
        double p00 = s.Covariance[0], p11 = s.Covariance[9], p22 = s.Covariance[18], p44 = s.Covariance[36];

        // 90° turn with zoom 2: (x, y) → (−2y, 2x).
        KalmanBoxFilter.Warp(ref s, new Affine2(0, -2, 0, 2, 0, 0));
        Assert.Equal(-400, s.Mean[0], 9);
        Assert.Equal(200, s.Mean[1], 9);
        Assert.Equal(40, s.Mean[2], 9);
        Assert.Equal(80, s.Mean[3], 9);
        Assert.Equal(0, s.Mean[4], 9);
        Assert.Equal(6, s.Mean[5], 9);

        // J P Jᵀ: cx' = −2·cy, cy' = 2·cx, so var(cx') = 4·var(cy), var(cy') = 4·var(cx), var(w') = 4·var(w),
        // and the cx-vcx correlation moves to cy'-vcy' times 4.
        Assert.Equal(4 * p11, s.Covariance[0], 9);
        Assert.Equal(4 * p00, s.Covariance[9], 9);
        Assert.Equal(4 * p22, s.Covariance[18], 9);
        Assert.Equal(4 * p44, s.Covariance[45], 9);
        Assert.Equal(2.0, s.Covariance[(1 * 8) + 5], 9);
        Assert.Equal(0.0, s.Covariance[(0 * 8) + 4], 9);
    }

    [Fact]
    public void Warp_CommutesWithPredict()
    {
        var m = new Affine2(0.99, -0.05, 12, 0.05, 0.99, -3);
        KalmanState a = KalmanBoxFilter.Initiate(Box);
        a.Mean[4] = 2;
        a.Mean[5] = -1;
        KalmanState b = a;
        KalmanBoxFilter.Predict(ref a, 3);
        KalmanBoxFilter.Warp(ref a, m);
        KalmanBoxFilter.Warp(ref b, m);
        KalmanBoxFilter.Predict(ref b, 3);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(a.Mean[i], b.Mean[i], 6);
        }
    }

    /// <summary>
    /// Two people standing still while a hand-held camera jerks 45-70 px left and right each frame (people 40 px wide,
    /// so consecutive boxes do not overlap). Given the camera motion, both trackers follow each person in every frame
    /// under one id; without it the IoU tracker drops them in most frames (the check that the scene needs compensation).
    /// </summary>
    [Fact]
    public void ShakingCamera_WithCompensation_KeepsOneIdPerPersonInEveryFrame()
    {
        int[] shifts = [0, 55, -65, 70, -50, 60, -70, 45, -60, 65, -55, 50];
        foreach (ITracker t in new ITracker[] { new IouTracker(), new CrossAttentionTracker() })
        {
            (int[] ids, int[] frames) = Follow(t, shifts, compensate: true);
            Assert.Equal([1, 1], ids);
            Assert.Equal([shifts.Length, shifts.Length], frames);
        }

        (_, int[] lost) = Follow(new IouTracker(), shifts, compensate: false);
        Assert.True(lost.Max() < shifts.Length / 2, $"without compensation the IoU tracker still output {lost.Max()} frames");
    }

    [Fact]
    public void IdentityMotion_ChangesNothing()
    {
        int[] still = new int[12];
        var a = Follow(new CrossAttentionTracker(), still, compensate: true);
        var b = Follow(new CrossAttentionTracker(), still, compensate: false);
        Assert.Equal(a.Ids, b.Ids);
        Assert.Equal(a.Frames, b.Frames);
    }

    /// <summary>Distinct ids given to each person, and the frames each was output in.</summary>
    private static (int[] Ids, int[] Frames) Follow(ITracker tracker, int[] shifts, bool compensate)
    {
        var ids = new[] { new HashSet<int>(), new HashSet<int>() };
        int[] frames = [0, 0];
        float offset = 0;
        for (int f = 0; f < shifts.Length; f++)
        {
            offset += shifts[f];
            if (compensate && f > 0)
            {
                ((ICameraMotionCompensated)tracker).ApplyCameraMotion(new Affine2(1, 0, shifts[f], 0, 1, 0));
            }

            Obj[] objs = [new Obj(1, Person(300 + offset, 300)), new Obj(2, Person(450 + offset, 300))];
            var outp = tracker.Update(Frame(f, true, objs), f / 10.0);
            for (int k = 0; k < outp.Count; k++)
            {
                int who = Array.FindIndex(objs, o => o.Box == outp.Boxes[k]);
                ids[who].Add(outp.TrackIds[k]);
                frames[who]++;
            }
        }

        return ([ids[0].Count, ids[1].Count], frames);
    }
}
