using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

public class AttentionMatcherTests
{
    public static TheoryData<MatchNormalization> Normalizations() =>
        new() { MatchNormalization.RowSoftmax, MatchNormalization.DualSoftmax, MatchNormalization.Sinkhorn };

    [Theory]
    [MemberData(nameof(Normalizations))]
    public void Match_TrackWithNoPlausibleDetection_StaysUnmatchedThroughDustbin(MatchNormalization norm)
    {
        var m = new AttentionMatcher(TrackerOptions.Default with { Normalization = norm });
        var lap = new LinearAssignment();

        // Track 0 sits on detection 0; track 1 is far from every detection (motion gate) -> only the dustbin remains.
        BoxF[] tracks = [new(100, 100, 140, 200), new(500, 100, 540, 200)];
        BoxF[] dets = [new(102, 101, 142, 201), new(300, 100, 340, 200)];
        float[] emb = Unit([1, 0], [0, 1]);
        float[] detEmb = Unit([1, 0], [0, 1]);
        AssignmentResult r = m.Match(emb, tracks, [0, 0], [0f, 0f], detEmb, dets, [0, 0], 2, lap);

        Assert.Equal(new[] { (0, 0) }, r.Matches.ToArray());
        Assert.Equal(new[] { 1 }, r.UnmatchedRows.ToArray());
        Assert.Equal(0f, m.Probabilities[(1 * 3) + 0]);
        Assert.Equal(0f, m.Probabilities[(1 * 3) + 1]);
        Assert.True(m.Probabilities[(1 * 3) + 2] > 0.99f, "the dustbin takes the far track's mass");
    }

    [Fact]
    public void Match_DissimilarAppearanceInReach_DustbinWinsOverWeakMatch()
    {
        var m = new AttentionMatcher(TrackerOptions.Default);
        var lap = new LinearAssignment();

        // In reach but not overlapping, and with opposite appearance: the logit is below the dustbin's.
        BoxF[] tracks = [new(100, 100, 140, 200)];
        BoxF[] dets = [new(150, 100, 190, 200)];
        AssignmentResult r = m.Match(Unit([1, 0]), tracks, [0], [0f], Unit([-1, 0]), dets, [0], 2, lap);
        Assert.Equal(0, r.Matches.Length);
        Assert.True(m.Probabilities[1] > m.Probabilities[0]);
    }

    [Fact]
    public void Match_DifferentClass_IsGatedEvenWhenBoxesCoincide()
    {
        var m = new AttentionMatcher(TrackerOptions.Default);
        var lap = new LinearAssignment();
        BoxF[] boxes = [new(100, 100, 140, 200)];
        AssignmentResult r = m.Match(Unit([1, 0]), boxes, [0], [0f], Unit([1, 0]), boxes, [39], 2, lap);
        Assert.Equal(0, r.Matches.Length);
        Assert.Equal(0f, m.Probabilities[0]);
        Assert.True(float.IsPositiveInfinity(m.Costs[0]));
    }

    [Theory]
    [MemberData(nameof(Normalizations))]
    public void Match_OverlappingBoxes_AppearanceDecides(MatchNormalization norm)
    {
        var m = new AttentionMatcher(TrackerOptions.Default with { Normalization = norm });
        var lap = new LinearAssignment();

        // Both tracks predicted at nearly the same place (a crossing); appearance must pick.
        BoxF[] tracks = [new(100, 100, 140, 200), new(104, 100, 144, 200)];
        BoxF[] dets = [new(104, 100, 144, 200), new(100, 100, 140, 200)];
        AssignmentResult r = m.Match(Unit([1, 0], [0, 1]), tracks, [0, 0], [0f, 0f], Unit([0, 1], [1, 0]), dets, [0, 0], 2, lap);
        Assert.Equal(new[] { (0, 1), (1, 0) }, r.Matches.ToArray());
    }

    [Fact]
    public void Match_WithoutEmbeddings_UsesGeometry()
    {
        var m = new AttentionMatcher(TrackerOptions.Default);
        var lap = new LinearAssignment();
        BoxF[] tracks = [new(100, 100, 140, 200), new(300, 100, 340, 200)];
        BoxF[] dets = [new(305, 100, 345, 200), new(103, 100, 143, 200)];
        AssignmentResult r = m.Match(default, tracks, [0, 0], [0f, 0f], default, dets, [0, 0], 0, lap);
        Assert.Equal(new[] { (0, 1), (1, 0) }, r.Matches.ToArray());
    }

    [Theory]
    [MemberData(nameof(Normalizations))]
    public void Score_RowsArePropabilityDistributionsOrSubDistributions(MatchNormalization norm)
    {
        var m = new AttentionMatcher(TrackerOptions.Default with { Normalization = norm });
        var rng = new Random(3);
        int t = 6, n = 5, d = 8;
        var tb = Enumerable.Range(0, t).Select(i => BoxF.FromCxcywh(50 + (30 * i), 100, 40, 80)).ToArray();
        var db = Enumerable.Range(0, n).Select(i => BoxF.FromCxcywh(55 + (30 * i), 100, 40, 80)).ToArray();
        float[] te = Enumerable.Range(0, t * d).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] de = m.PrepareDetectionEmbeddings(Enumerable.Range(0, n * d).Select(_ => (float)rng.NextDouble()).ToArray(), n, d).ToArray();
        m.Score(te, tb, new int[t], new float[t], de, db, new int[n], d);
        for (int i = 0; i < t; i++)
        {
            float sum = 0;
            for (int j = 0; j <= n; j++)
            {
                float p = m.Probabilities[(i * (n + 1)) + j];
                Assert.InRange(p, 0f, 1.0001f);
                sum += p;
            }

            Assert.InRange(sum, 0f, 1.001f);
            if (norm == MatchNormalization.RowSoftmax)
            {
                Assert.Equal(1f, sum, 3);
            }
        }
    }

    [Fact]
    public void PrepareDetectionEmbeddings_CentresSimilarVectorsApart()
    {
        var m = new AttentionMatcher(TrackerOptions.Default with { Centering = EmbeddingCentering.FrameMean });

        // Raw cosine ~0.99 (DETR-like: all alike); after centring the two are opposite.
        float[] raw = [10f, 1f, 0f, 10f, 0f, 1f];
        ReadOnlySpan<float> e = m.PrepareDetectionEmbeddings(raw, 2, 3);
        float dot = (e[0] * e[3]) + (e[1] * e[4]) + (e[2] * e[5]);
        Assert.Equal(-1f, dot, 4);
        Assert.Equal(1f, MathF.Sqrt((e[0] * e[0]) + (e[1] * e[1]) + (e[2] * e[2])), 4);
    }

    [Fact]
    public void PrepareDetectionEmbeddings_SingleDetectionWithFrameMean_BecomesZero()
    {
        var m = new AttentionMatcher(TrackerOptions.Default with { Centering = EmbeddingCentering.FrameMean });
        ReadOnlySpan<float> e = m.PrepareDetectionEmbeddings([3f, 4f], 1, 2);
        Assert.Equal(0f, e[0]);
        Assert.Equal(0f, e[1]);
    }

    private static float[] Unit(params float[][] rows)
    {
        var list = new List<float>();
        foreach (float[] r in rows)
        {
            float n = MathF.Sqrt(r.Sum(x => x * x));
            list.AddRange(r.Select(x => x / n));
        }

        return [.. list];
    }
}
