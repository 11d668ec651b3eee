namespace VisionTracker.Evaluation;

/// <summary>
/// Minimum-cost rectangular assignment on a dense row-major matrix: the shortest augmenting path
/// algorithm (Crouse 2016) that scipy.optimize.linear_sum_assignment uses, ported step for step so that
/// ties resolve the same way. Every row (or every column, whichever is fewer) is assigned.
/// </summary>
internal static class LinearSumAssignment
{
    /// <summary>Solves min-cost assignment; returns (rows, cols) pairs sorted by row.</summary>
    /// <param name="cost">Row-major cost matrix, <paramref name="rows"/> x <paramref name="cols"/>; finite values.</param>
    /// <param name="rows">Row count.</param>
    /// <param name="cols">Column count.</param>
    /// <param name="maximize">Maximise instead of minimise.</param>
    public static (int[] Rows, int[] Cols) Solve(ReadOnlySpan<double> cost, int rows, int cols, bool maximize = false)
    {
        if (cost.Length != rows * cols)
        {
            throw new ArgumentException("cost length must equal rows*cols", nameof(cost));
        }

        if (rows == 0 || cols == 0)
        {
            return ([], []);
        }

        bool transpose = cols < rows;
        int nr = transpose ? cols : rows;
        int nc = transpose ? rows : cols;
        var c = new double[nr * nc];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double v = cost[(i * cols) + j];
                if (double.IsNaN(v) || double.IsNegativeInfinity(v))
                {
                    throw new ArgumentException("cost matrix contains NaN or -inf", nameof(cost));
                }

                if (maximize)
                {
                    v = -v;
                }

                if (transpose)
                {
                    c[(j * nc) + i] = v;
                }
                else
                {
                    c[(i * nc) + j] = v;
                }
            }
        }

        var u = new double[nr];
        var v2 = new double[nc];
        var shortest = new double[nc];
        var path = new int[nc];
        var col4row = new int[nr];
        var row4col = new int[nc];
        var sr = new bool[nr];
        var sc = new bool[nc];
        var remaining = new int[nc];
        Array.Fill(path, -1);
        Array.Fill(col4row, -1);
        Array.Fill(row4col, -1);

        for (int curRow = 0; curRow < nr; curRow++)
        {
            int sink = AugmentingPath(nc, c, u, v2, path, row4col, shortest, curRow, sr, sc, remaining, out double minVal);
            if (sink < 0)
            {
                throw new InvalidOperationException("cost matrix is infeasible");
            }

            u[curRow] += minVal;
            for (int i = 0; i < nr; i++)
            {
                if (sr[i] && i != curRow)
                {
                    u[i] += minVal - shortest[col4row[i]];
                }
            }

            for (int j = 0; j < nc; j++)
            {
                if (sc[j])
                {
                    v2[j] -= minVal - shortest[j];
                }
            }

            int jj = sink;
            while (true)
            {
                int i = path[jj];
                row4col[jj] = i;
                (col4row[i], jj) = (jj, col4row[i]);
                if (i == curRow)
                {
                    break;
                }
            }
        }

        var a = new int[nr];
        var b = new int[nr];
        if (transpose)
        {
            // scipy: order by the column index (the original row).
            var order = new int[nr];
            for (int i = 0; i < nr; i++)
            {
                order[i] = i;
            }

            Array.Sort(order, (x, y) => col4row[x].CompareTo(col4row[y]));
            for (int k = 0; k < nr; k++)
            {
                a[k] = col4row[order[k]];
                b[k] = order[k];
            }
        }
        else
        {
            for (int i = 0; i < nr; i++)
            {
                a[i] = i;
                b[i] = col4row[i];
            }
        }

        return (a, b);
    }

    private static int AugmentingPath(
        int nc, double[] cost, double[] u, double[] v, int[] path, int[] row4col, double[] shortest, int i,
        bool[] sr, bool[] sc, int[] remaining, out double minVal)
    {
        minVal = 0;
        int numRemaining = nc;
        for (int it = 0; it < nc; it++)
        {
            remaining[it] = nc - it - 1;
        }

        Array.Fill(sr, false);
        Array.Fill(sc, false);
        Array.Fill(shortest, double.PositiveInfinity);

        int sink = -1;
        while (sink == -1)
        {
            int index = -1;
            double lowest = double.PositiveInfinity;
            sr[i] = true;
            for (int it = 0; it < numRemaining; it++)
            {
                int j = remaining[it];
                double r = minVal + cost[(i * nc) + j] - u[i] - v[j];
                if (r < shortest[j])
                {
                    path[j] = i;
                    shortest[j] = r;
                }

                if (shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1))
                {
                    lowest = shortest[j];
                    index = it;
                }
            }

            minVal = lowest;
            if (double.IsPositiveInfinity(minVal))
            {
                return -1;
            }

            int jj = remaining[index];
            if (row4col[jj] == -1)
            {
                sink = jj;
            }
            else
            {
                i = row4col[jj];
            }

            sc[jj] = true;
            remaining[index] = remaining[--numRemaining];
        }

        return sink;
    }
}
