using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

/// <summary>The association hot path allocates nothing once its workspaces have grown (counted bytes, not time).</summary>
public class AssociationAllocationTests
{
    [Theory]
    [InlineData(MatchNormalization.RowSoftmax)]
    [InlineData(MatchNormalization.DualSoftmax)]
    [InlineData(MatchNormalization.Sinkhorn)]
    public void MatcherAndAssignment_SteadyState_AllocateZeroBytes(MatchNormalization norm)
    {
        const int n = 40, d = 32;
        var rng = new Random(5);
        var matcher = new AttentionMatcher(TrackerOptions.Default with { Normalization = norm });
        var lap = new LinearAssignment();
        var tb = new BoxF[n];
        var db = new BoxF[n];
        for (int i = 0; i < n; i++)
        {
            float cx = (float)(rng.NextDouble() * 1000), cy = (float)(rng.NextDouble() * 600);
            tb[i] = BoxF.FromCxcywh(cx, cy, 40, 100);
            db[i] = BoxF.FromCxcywh(cx + 3, cy - 2, 40, 100);
        }

        float[] te = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble() - 0.5f).ToArray();
        float[] raw = Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray();
        var classes = new int[n];
        var unseen = new float[n];

        int Run()
        {
            ReadOnlySpan<float> de = matcher.PrepareDetectionEmbeddings(raw, n, d);
            return matcher.Match(te, tb, classes, unseen, de, db, classes, d, lap).Matches.Length;
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int matched = 0;
        for (int k = 0; k < 5; k++)
        {
            matched += Run();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(matched > 0);
    }
}
