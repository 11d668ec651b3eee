using VisionTracker.Evaluation;

namespace VisionTracker.Tests.Evaluation;

public class LinearSumAssignmentTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(4, 6)]
    [InlineData(6, 4)]
    [InlineData(7, 7)]
    public void Solve_RandomMatrices_ReachesBruteForceOptimum(int rows, int cols)
    {
        var rng = new Random(rows * 31 + cols);
        for (int trial = 0; trial < 25; trial++)
        {
            var cost = new double[rows * cols];
            for (int i = 0; i < cost.Length; i++)
            {
                cost[i] = trial % 3 == 0 ? rng.Next(0, 4) : rng.NextDouble() * 10; // integer costs give many ties
            }

            var (r, c) = LinearSumAssignment.Solve(cost, rows, cols);
            Assert.Equal(Math.Min(rows, cols), r.Length);
            Assert.Equal(r.Length, r.Distinct().Count());
            Assert.Equal(c.Length, c.Distinct().Count());
            Assert.True(r.SequenceEqual(r.Order()), "rows are sorted");
            double got = r.Select((ri, k) => cost[(ri * cols) + c[k]]).Sum();
            Assert.Equal(BruteForce(cost, rows, cols), got, 9);
        }
    }

    [Fact]
    public void Solve_Empty_ReturnsNothing()
    {
        var (r, c) = LinearSumAssignment.Solve([], 0, 5);
        Assert.Empty(r);
        Assert.Empty(c);
    }

    [Fact]
    public void Solve_Maximize_PicksLargestSum()
    {
        // scipy: linear_sum_assignment([[1,2],[3,5]], maximize=True) -> rows [0,1], cols [0,1] (sum 6)
        var (r, c) = LinearSumAssignment.Solve([1, 2, 3, 5], 2, 2, maximize: true);
        Assert.Equal([0, 1], r);
        Assert.Equal([0, 1], c);
    }

    [Fact]
    public void Solve_Transposed_ReturnsPairsSortedByRow()
    {
        // 3 rows x 2 cols: best is row 2 -> col 0, row 0 -> col 1.
        var (r, c) = LinearSumAssignment.Solve([5, 0, 9, 9, 0, 5], 3, 2);
        Assert.Equal([0, 2], r);
        Assert.Equal([1, 0], c);
    }

    private static double BruteForce(double[] cost, int rows, int cols)
    {
        bool transpose = rows > cols;
        int n = Math.Min(rows, cols), m = Math.Max(rows, cols);
        double best = double.PositiveInfinity;
        var used = new bool[m];
        void Rec(int i, double acc)
        {
            if (i == n)
            {
                best = Math.Min(best, acc);
                return;
            }

            for (int j = 0; j < m; j++)
            {
                if (used[j])
                {
                    continue;
                }

                used[j] = true;
                Rec(i + 1, acc + (transpose ? cost[(j * cols) + i] : cost[(i * cols) + j]));
                used[j] = false;
            }
        }

        Rec(0, 0);
        return best;
    }
}
