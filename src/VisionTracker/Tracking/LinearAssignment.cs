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
/// cost at the threshold, solving the full problem and dropping the pairs that sat on the cap. The graph of
/// admissible pairs is first split into connected components, each solved alone (exact, and much faster when
/// objects only compete with their neighbours). With an infinite threshold the full assignment is returned over
/// the finite entries.
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
    private int[] _matchOfRow = [];
    private bool[] _colUsed = [];
    private int[] _parent = [];
    private int[] _compOf = [];
    private int[] _compStart = [];
    private int[] _fill = [];
    private int[] _order = [];

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
        Grow(ref _matchOfRow, rows);
        Grow(ref _colUsed, cols);
        Array.Fill(_matchOfRow, -1, 0, rows);
        Array.Clear(_colUsed, 0, cols);
        if (rows > 0 && cols > 0)
        {
            double cap = Cap(cost, threshold, Math.Min(rows, cols));
            SolveByComponents(cost, rows, cols, threshold, cap);
        }

        int matched = 0, ur = 0, uc = 0;
        for (int i = 0; i < rows; i++)
        {
            int j = _matchOfRow[i];
            if (j >= 0)
            {
                _matches[matched++] = (i, j);
                _colUsed[j] = true;
            }
            else
            {
                _unmatchedRows[ur++] = i;
            }
        }

        for (int j = 0; j < cols; j++)
        {
            if (!_colUsed[j])
            {
                _unmatchedCols[uc++] = j;
            }
        }

        return new AssignmentResult(_matches.AsSpan(0, matched), _unmatchedRows.AsSpan(0, ur), _unmatchedCols.AsSpan(0, uc));
    }

    /// <summary>Whether a pair may be matched at all: finite and not above the threshold.</summary>
    private static bool Admissible(float c, float threshold) => float.IsFinite(c) && c <= threshold;

    /// <summary>
    /// Splits the bipartite graph of admissible pairs into connected components and solves each on its own. Exact: an
    /// optimal thresholded assignment never uses an inadmissible pair, so components do not interact. In a real frame
    /// the components are tiny (objects compete only with their neighbours), which turns O(n³) into about O(n²).
    /// </summary>
    private void SolveByComponents(ReadOnlySpan<float> cost, int rows, int cols, float threshold, double cap)
    {
        int nodes = rows + cols;
        Grow(ref _parent, nodes);
        Grow(ref _compOf, nodes);
        Grow(ref _compStart, nodes + 1);
        Grow(ref _order, nodes);
        for (int k = 0; k < nodes; k++)
        {
            _parent[k] = k;
        }

        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                if (Admissible(cost[(i * cols) + j], threshold))
                {
                    Union(i, rows + j);
                }
            }
        }

        // Label components in order of first node, then counting-sort nodes by component (rows before columns within one).
        Array.Fill(_compOf, -1, 0, nodes);
        int comps = 0;
        Array.Clear(_compStart, 0, nodes + 1);
        for (int k = 0; k < nodes; k++)
        {
            int root = Find(k);
            if (_compOf[root] < 0)
            {
                _compOf[root] = comps++;
            }

            _compOf[k] = _compOf[root];
            _compStart[_compOf[k] + 1]++;
        }

        for (int c = 0; c < comps; c++)
        {
            _compStart[c + 1] += _compStart[c];
        }

        Grow(ref _fill, comps);
        Array.Copy(_compStart, _fill, comps);
        for (int k = 0; k < nodes; k++)
        {
            _order[_fill[_compOf[k]]++] = k;
        }

        for (int c = 0; c < comps; c++)
        {
            int a = _compStart[c], b = _compStart[c + 1];
            int split = a;
            while (split < b && _order[split] < rows)
            {
                split++;
            }

            int nRows = split - a, nCols = b - split;
            if (nRows == 0 || nCols == 0)
            {
                continue;
            }

            if (nRows == 1 && nCols == 1)
            {
                // Joined by their one admissible edge.
                _matchOfRow[_order[a]] = _order[split] - rows;
                continue;
            }

            SolveComponent(cost, cols, threshold, cap, _order.AsSpan(a, nRows), _order.AsSpan(split, nCols), rows);
        }
    }

    private void SolveComponent(ReadOnlySpan<float> cost, int cols, float threshold, double cap, ReadOnlySpan<int> rowIdx, ReadOnlySpan<int> colNodes, int rows)
    {
        int r = rowIdx.Length, c = colNodes.Length;
        bool transpose = r > c;
        int nr = transpose ? c : r;
        int nc = transpose ? r : c;
        Grow(ref _cost, nr * nc);
        for (int i = 0; i < r; i++)
        {
            int gi = rowIdx[i];
            for (int j = 0; j < c; j++)
            {
                float v = cost[(gi * cols) + colNodes[j] - rows];
                double d = float.IsNaN(v) || v > cap ? cap : v;
                _cost[transpose ? (j * nc) + i : (i * nc) + j] = d;
            }
        }

        SolveCore(nr, nc);
        for (int i = 0; i < r; i++)
        {
            int j = transpose ? _row4col[i] : _col4row[i];
            if (j < 0)
            {
                continue;
            }

            int gi = rowIdx[i], gj = colNodes[j] - rows;
            if (Admissible(cost[(gi * cols) + gj], threshold))
            {
                _matchOfRow[gi] = gj;
            }
        }
    }

    private int Find(int k)
    {
        while (_parent[k] != k)
        {
            _parent[k] = _parent[_parent[k]];
            k = _parent[k];
        }

        return k;
    }

    private void Union(int a, int b)
    {
        int ra = Find(a), rb = Find(b);
        if (ra != rb)
        {
            // Smaller index becomes the root: deterministic labelling.
            if (ra < rb)
            {
                _parent[rb] = ra;
            }
            else
            {
                _parent[ra] = rb;
            }
        }
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
