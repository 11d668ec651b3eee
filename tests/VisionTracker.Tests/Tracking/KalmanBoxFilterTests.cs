using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

public class KalmanBoxFilterTests
{
    // Box centred at (100, 200), w = 20, h = 40. σp = 1/20, σv = 1/160.
    private static readonly BoxF Box = BoxF.FromCxcywh(100, 200, 20, 40);

    [Fact]
    public void Initiate_SetsMeanAndSizeRelativeCovariance()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        Assert.Equal([100, 200, 20, 40, 0, 0, 0, 0], ToArray(s.Mean));
        Assert.Equal(4.0, s.Covariance[0], 9);          // (2·σp·w)² = 2²
        Assert.Equal(16.0, s.Covariance[9], 9);         // (2·σp·h)² = 4²
        Assert.Equal(1.5625, s.Covariance[36], 9);      // (10·σv·w)² = 1.25²
        Assert.Equal(0.0, s.Covariance[4], 9);
    }

    [Fact]
    public void Predict_OneStep_MatchesHandValues()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        KalmanBoxFilter.Predict(ref s, 1);

        // P00 = 4 + 1.5625 (velocity variance moved in) + (σp·w)² = 1 → 6.5625; P04 = 1.5625; P44 = 1.5625 + (σv·w)².
        Assert.Equal(6.5625, s.Covariance[0], 9);
        Assert.Equal(1.5625, s.Covariance[4], 9);
        Assert.Equal(1.5625, s.Covariance[32], 9);
        Assert.Equal(1.5625 + 0.015625, s.Covariance[36], 9);
        Assert.Equal(100, s.Mean[0], 9);
    }

    [Fact]
    public void Update_AfterPredict_MovesMeanAndVelocityByKalmanGain()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        KalmanBoxFilter.Predict(ref s, 1);
        KalmanBoxFilter.Update(ref s, BoxF.FromCxcywh(110, 200, 20, 40));

        // cx block is independent: S = 6.5625 + R (σp·w)² = 7.5625; gain 6.5625/S on cx and 1.5625/S on vcx.
        double sInn = 7.5625;
        Assert.Equal(100 + (10 * 6.5625 / sInn), s.Mean[0], 6);
        Assert.Equal(10 * 1.5625 / sInn, s.Mean[4], 6);
        Assert.Equal(200, s.Mean[1], 6);
        Assert.Equal(6.5625 - (6.5625 * 6.5625 / sInn), s.Covariance[0], 6);
    }

    [Fact]
    public void Predict_WithVelocity_AdvancesCentreByVelocityTimesSteps()
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);
        s.Mean[4] = 3;
        KalmanBoxFilter.Predict(ref s, 2.5);
        Assert.Equal(107.5, s.Mean[0], 9);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(6, true)]   // 6² / 5 = 7.2 < 9.4877
    [InlineData(7, false)]  // 7² / 5 = 9.8 > 9.4877
    public void GatingDistance_CentreOffset_AgainstChiSquare95(float dx, bool inside)
    {
        KalmanState s = KalmanBoxFilter.Initiate(Box);

        // Innovation variance of cx right after Initiate: 4 + (σp·w)² = 5.
        double d = KalmanBoxFilter.GatingDistance(s, BoxF.FromCxcywh(100 + dx, 200, 20, 40));
        Assert.Equal(dx * dx / 5.0, d, 6);
        Assert.Equal(inside, d <= KalmanBoxFilter.ChiSquare95Dof4);
    }

    private static double[] ToArray(Vector8 v)
    {
        var a = new double[8];
        for (int i = 0; i < 8; i++)
        {
            a[i] = v[i];
        }

        return a;
    }
}
