using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

public class LinearAssignmentTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        int seed = 1;
        foreach ((int r, int c) in new[] { (1, 1), (2, 2), (3, 3), (4, 4), (5, 5), (6, 6), (7, 7), (8, 8), (2, 5), (5, 2), (3, 8), (8, 3), (1, 6), (6, 1), (4, 7), (7, 4) })
        {
            for (int k = 0; k < 3; k++)
            {
                data.Add(r, c, seed++);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Solve_RandomMatrixWithoutThreshold_EqualsBruteForceTotal(int rows, int cols, int seed)
    {
        float[] cost = RandomCost(rows, cols, seed, integer: false);
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve(cost, rows, cols);
        Assert.Equal(Math.Min(rows, cols), r.Matches.Length);
        AssertValid(r, rows, cols);
        Assert.Equal(BruteForce(cost, rows, cols, double.PositiveInfinity), Total(r, cost, cols, 0), 4);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Solve_RandomMatrixWithThreshold_EqualsBruteForceOfCappedProblem(int rows, int cols, int seed)
    {
        float[] cost = RandomCost(rows, cols, seed, integer: false);
        const float threshold = 0.4f;
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve(cost, rows, cols, threshold);
        AssertValid(r, rows, cols);
        foreach ((int i, int j) in r.Matches)
        {
            Assert.True(cost[(i * cols) + j] <= threshold);
        }

        // Objective: matched costs plus the threshold for every pair slot left unmatched.
        double got = Total(r, cost, cols, 0) + (threshold * (Math.Min(rows, cols) - r.Matches.Length));
        Assert.Equal(BruteForce(cost, rows, cols, threshold), got, 4);
    }

    [Theory]
    [InlineData(5, 5, 11)]
    [InlineData(6, 4, 12)]
    [InlineData(3, 7, 13)]
    public void Solve_ManyTies_StillOptimal(int rows, int cols, int seed)
    {
        float[] cost = RandomCost(rows, cols, seed, integer: true);
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve(cost, rows, cols);
        AssertValid(r, rows, cols);
        Assert.Equal(BruteForce(cost, rows, cols, double.PositiveInfinity), Total(r, cost, cols, 0), 4);
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(4, 0)]
    [InlineData(0, 0)]
    public void Solve_EmptyMatrix_ReturnsEverythingUnmatched(int rows, int cols)
    {
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve(new float[rows * cols], rows, cols, 1f);
        Assert.Equal(0, r.Matches.Length);
        Assert.Equal(Enumerable.Range(0, rows).ToArray(), r.UnmatchedRows.ToArray());
        Assert.Equal(Enumerable.Range(0, cols).ToArray(), r.UnmatchedCols.ToArray());
    }

    [Fact]
    public void Solve_AllAboveThreshold_MatchesNothing()
    {
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve([2f, 3f, 4f, 5f, 6f, 7f], 2, 3, 1f);
        Assert.Equal(0, r.Matches.Length);
        Assert.Equal(2, r.UnmatchedRows.Length);
        Assert.Equal(3, r.UnmatchedCols.Length);
    }

    [Fact]
    public void Solve_InfiniteAndNaNEntries_AreNeverMatched()
    {
        float inf = float.PositiveInfinity;
        var lap = new LinearAssignment();

        // Row 0 can only take column 1; row 1 only column 1 (taken by the cheaper row 0); row 2 only column 0.
        AssignmentResult r = lap.Solve([inf, 1f, float.NaN, 2f, 0.5f, inf], 3, 2);
        Assert.Equal(new[] { (0, 1), (2, 0) }, r.Matches.ToArray());
        Assert.Equal(new[] { 1 }, r.UnmatchedRows.ToArray());
        Assert.Equal(0, r.UnmatchedCols.Length);
    }

    [Fact]
    public void Solve_AllInfinite_MatchesNothing()
    {
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve(Enumerable.Repeat(float.PositiveInfinity, 6).ToArray(), 2, 3);
        Assert.Equal(0, r.Matches.Length);
    }

    [Fact]
    public void Solve_ThresholdPrefersTwoCheapPairsOverOneExpensive()
    {
        // Greedy would take (0,0)=0.1 and leave row 1; optimal with threshold 1 takes (0,1) and (1,0).
        var lap = new LinearAssignment();
        AssignmentResult r = lap.Solve([0.1f, 0.3f, 0.35f, 5f], 2, 2, 1f);
        Assert.Equal(new[] { (0, 1), (1, 0) }, r.Matches.ToArray());
    }

    [Fact]
    public void Solve_WorkspaceReused_GivesSameAnswerAfterLargerProblem()
    {
        var lap = new LinearAssignment();
        float[] small = RandomCost(3, 4, 99, integer: false);
        (int, int)[] first = lap.Solve(small, 3, 4).Matches.ToArray();
        lap.Solve(RandomCost(8, 8, 98, integer: false), 8, 8);
        Assert.Equal(first, lap.Solve(small, 3, 4).Matches.ToArray());
    }

    [Fact]
    public void Solve_WrongLength_Throws()
    {
        var lap = new LinearAssignment();
        Assert.Throws<ArgumentException>(() => lap.Solve(new float[5], 2, 3));
    }

    private static void AssertValid(AssignmentResult r, int rows, int cols)
    {
        var rs = r.Matches.ToArray().Select(m => m.Row).Concat(r.UnmatchedRows.ToArray()).Order().ToArray();
        var cs = r.Matches.ToArray().Select(m => m.Col).Concat(r.UnmatchedCols.ToArray()).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, rows).ToArray(), rs);
        Assert.Equal(Enumerable.Range(0, cols).ToArray(), cs);
    }

    private static double Total(AssignmentResult r, float[] cost, int cols, double extra)
    {
        double s = extra;
        foreach ((int i, int j) in r.Matches)
        {
            s += cost[(i * cols) + j];
        }

        return s;
    }

    private static float[] RandomCost(int rows, int cols, int seed, bool integer)
    {
        var rng = new Random(seed);
        var c = new float[rows * cols];
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = integer ? rng.Next(0, 3) : (float)rng.NextDouble();
        }

        return c;
    }

    /// <summary>Minimum over injective maps of the smaller side into the larger of Σ min(cost, cap).</summary>
    private static double BruteForce(float[] cost, int rows, int cols, double cap)
    {
        bool t = rows > cols;
        int a = t ? cols : rows, b = t ? rows : cols;
        var used = new bool[b];
        double best = double.PositiveInfinity;
        Recurse(0, 0);
        return best;

        void Recurse(int i, double acc)
        {
            if (acc >= best)
            {
                return;
            }

            if (i == a)
            {
                best = acc;
                return;
            }

            for (int j = 0; j < b; j++)
            {
                if (used[j])
                {
                    continue;
                }

                used[j] = true;
                double c = t ? cost[(j * cols) + i] : cost[(i * cols) + j];
                Recurse(i + 1, acc + Math.Min(c, cap));
                used[j] = false;
            }
        }
    }
}
