namespace VisionTracker.Tracking;

/// <summary>One frame's assignment: matched (row, column) pairs and the rows and columns left unmatched.</summary>
/// <remarks>The spans point into the <see cref="LinearAssignment"/> workspace and stay valid until its next solve.</remarks>
internal readonly ref struct AssignmentResult
{
    /// <summary>Creates a result over workspace spans.</summary>
    public AssignmentResult(ReadOnlySpan<(int Row, int Col)> matches, ReadOnlySpan<int> unmatchedRows, ReadOnlySpan<int> unmatchedCols)
    {
        Matches = matches;
        UnmatchedRows = unmatchedRows;
        UnmatchedCols = unmatchedCols;
    }

    /// <summary>Matched pairs, in increasing row order.</summary>
    public ReadOnlySpan<(int Row, int Col)> Matches { get; }

    /// <summary>Rows without a match, increasing.</summary>
    public ReadOnlySpan<int> UnmatchedRows { get; }

    /// <summary>Columns without a match, increasing.</summary>
    public ReadOnlySpan<int> UnmatchedCols { get; }
}

/// <summary>
/// Minimum-cost assignment for rectangular cost matrices: the shortest augmenting path form of Jonker-Volgenant
/// (Crouse 2016), as in scipy's <c>linear_sum_assignment</c>, with a cost threshold as in ByteTrack's
/// <c>lap.lapjv(cost_limit=…)</c>.
/// </summary>
/// <remarks>
/// <para>
/// Threshold: a pair whose cost is above <c>threshold</c> (or not finite) is never matched. This solves
/// "minimise the sum of matched costs plus <c>threshold</c> per row left unmatched" exactly, by capping every
/// cost at the threshold, solving the full problem and dropping the pairs that sat on the cap. With an
/// infinite threshold the full assignment is returned over the finite entries.
/// </para>
/// <para>
/// An instance is a workspace: its buffers grow on demand and are reused, so a solve allocates nothing once
/// the largest size has been seen. Not thread-safe; use one per tracker.
/// </para>
/// </remarks>
internal sealed class LinearAssignment
{
    private double[] _cost = [];
    private double[] _u = [];
    private double[] _v = [];
    private double[] _shortest = [];
    private int[] _path = [];
    private int[] _col4row = [];
    private int[] _row4col = [];
    private int[] _remaining = [];
    private bool[] _sr = [];
    private bool[] _sc = [];
    private (int Row, int Col)[] _matches = [];
    private int[] _unmatchedRows = [];
    private int[] _unmatchedCols = [];

    /// <summary>
    /// Solves the assignment for a row-major <paramref name="rows"/> x <paramref name="cols"/> cost matrix.
    /// </summary>
    /// <param name="cost">Costs, row-major; NaN and +∞ mean "never match".</param>
    /// <param name="rows">Number of rows (tracks).</param>
    /// <param name="cols">Number of columns (detections).</param>
    /// <param name="threshold">Pairs with cost above this stay unmatched; +∞ for none.</param>
    /// <exception cref="ArgumentException">The span length is not rows x cols.</exception>
    public AssignmentResult Solve(ReadOnlySpan<float> cost, int rows, int cols, float threshold = float.PositiveInfinity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        if (cost.Length != rows * cols)
        {
            throw new ArgumentException($"Cost matrix has {cost.Length} entries for {rows} x {cols}.", nameof(cost));
        }

        Grow(ref _matches, Math.Min(rows, cols));
        Grow(ref _unmatchedRows, rows);
        Grow(ref _unmatchedCols, cols);
        bool transpose = rows > cols;
        int nr = transpose ? cols : rows;
        int nc = transpose ? rows : cols;
        int matched = 0;
        if (nr > 0)
        {
            double cap = Cap(cost, threshold, nr);
            Grow(ref _cost, nr * nc);
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < cols; j++)
                {
                    float c = cost[(i * cols) + j];
                    double d = float.IsNaN(c) || c > cap ? cap : c;
                    _cost[transpose ? (j * nc) + i : (i * nc) + j] = d;
                }
            }

            SolveCore(nr, nc);
        }

        // Collect matches in row order and drop those that sat on the cap.
        Span<bool> rowUsed = rows <= 1024 ? stackalloc bool[rows] : new bool[rows];
        Span<bool> colUsed = cols <= 1024 ? stackalloc bool[cols] : new bool[cols];
        rowUsed.Clear();
        colUsed.Clear();
        for (int a = 0; a < rows && nr > 0; a++)
        {
            int b;
            if (transpose)
            {
                b = _row4col[a];
            }
            else
            {
                b = _col4row[a];
            }

            if (b < 0)
            {
                continue;
            }

            float c = cost[(a * cols) + b];
            if (float.IsFinite(c) && c <= threshold)
            {
                _matches[matched++] = (a, b);
                rowUsed[a] = true;
                colUsed[b] = true;
            }
        }

        int ur = 0, uc = 0;
        for (int i = 0; i < rows; i++)
        {
            if (!rowUsed[i])
            {
                _unmatchedRows[ur++] = i;
            }
        }

        for (int j = 0; j < cols; j++)
        {
            if (!colUsed[j])
            {
                _unmatchedCols[uc++] = j;
            }
        }

        return new AssignmentResult(_matches.AsSpan(0, matched), _unmatchedRows.AsSpan(0, ur), _unmatchedCols.AsSpan(0, uc));
    }

    /// <summary>The value every cost is capped at: the threshold, or a finite stand-in above any possible finite total.</summary>
    private static double Cap(ReadOnlySpan<float> cost, float threshold, int n)
    {
        if (float.IsFinite(threshold))
        {
            return threshold;
        }

        double maxAbs = 0;
        foreach (float c in cost)
        {
            if (float.IsFinite(c))
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(c));
            }
        }

        // Any assignment using one capped entry costs more than any all-finite one.
        return ((2.0 * n) + 1) * (maxAbs + 1);
    }

    private static void Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new T[Math.Max(size, buffer.Length * 2)];
        }
    }

    /// <summary>Crouse's shortest augmenting path on the finite nr x nc (nr ≤ nc) matrix in <see cref="_cost"/>.</summary>
    private void SolveCore(int nr, int nc)
    {
        Grow(ref _u, nr);
        Grow(ref _v, nc);
        Grow(ref _shortest, nc);
        Grow(ref _path, nc);
        Grow(ref _col4row, nr);
        Grow(ref _row4col, nc);
        Grow(ref _remaining, nc);
        Grow(ref _sr, nr);
        Grow(ref _sc, nc);
        Array.Clear(_u, 0, nr);
        Array.Clear(_v, 0, nc);
        Array.Fill(_col4row, -1, 0, nr);
        Array.Fill(_row4col, -1, 0, nc);
        Array.Fill(_path, -1, 0, nc);

        for (int curRow = 0; curRow < nr; curRow++)
        {
            int sink = AugmentingPath(nr, nc, curRow, out double minVal);
            if (sink < 0)
            {
                // Cannot happen on a finite matrix; leave the row unmatched.
                continue;
            }

            _u[curRow] += minVal;
            for (int i = 0; i < nr; i++)
            {
                if (_sr[i] && i != curRow)
                {
                    _u[i] += minVal - _shortest[_col4row[i]];
                }
            }

            for (int j = 0; j < nc; j++)
            {
                if (_sc[j])
                {
                    _v[j] -= minVal - _shortest[j];
                }
            }

            int jj = sink;
            while (true)
            {
                int i = _path[jj];
                _row4col[jj] = i;
                (_col4row[i], jj) = (jj, _col4row[i]);
                if (i == curRow)
                {
                    break;
                }
            }
        }
    }

    private int AugmentingPath(int nr, int nc, int curRow, out double minVal)
    {
        minVal = 0;
        int numRemaining = nc;
        for (int it = 0; it < nc; it++)
        {
            _remaining[it] = nc - it - 1;
        }

        Array.Clear(_sr, 0, nr);
        Array.Clear(_sc, 0, nc);
        Array.Fill(_shortest, double.PositiveInfinity, 0, nc);
        int sink = -1;
        int i = curRow;
        while (sink == -1)
        {
            int index = -1;
            double lowest = double.PositiveInfinity;
            _sr[i] = true;
            int rowOff = i * nc;
            double ui = _u[i];
            for (int it = 0; it < numRemaining; it++)
            {
                int j = _remaining[it];
                double r = minVal + _cost[rowOff + j] - ui - _v[j];
                if (r < _shortest[j])
                {
                    _path[j] = i;
                    _shortest[j] = r;
                }

                if (_shortest[j] < lowest || (_shortest[j] == lowest && _row4col[j] == -1))
                {
                    lowest = _shortest[j];
                    index = it;
                }
            }

            minVal = lowest;
            if (index < 0 || double.IsPositiveInfinity(minVal))
            {
                return -1;
            }

            int jSel = _remaining[index];
            if (_row4col[jSel] == -1)
            {
                sink = jSel;
            }
            else
            {
                i = _row4col[jSel];
            }

            _sc[jSel] = true;
            _remaining[index] = _remaining[--numRemaining];
        }

        return sink;
    }
}
