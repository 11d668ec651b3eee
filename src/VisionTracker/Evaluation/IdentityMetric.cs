namespace VisionTracker.Evaluation;

/// <summary>Port of TrackEval's Identity.eval_sequence: global min-cost bipartite matching of ids at IoU 0.5.</summary>
internal static class IdentityMetric
{
    private const double Threshold = 0.5;

    /// <summary>Scores one sequence.</summary>
    public static IdentityResult Evaluate(SequenceData data)
    {
        var res = new IdentityResult();
        if (data.NumTrackerDets == 0)
        {
            res.Idfn = data.NumGtDets;
            return res;
        }

        if (data.NumGtDets == 0)
        {
            res.Idfp = data.NumTrackerDets;
            return res;
        }

        int ng = data.NumGtIds, nt = data.NumTrackerIds;
        var potential = new double[ng * nt];
        var gtCount = new double[ng];
        var trCount = new double[nt];
        for (int t = 0; t < data.NumTimesteps; t++)
        {
            int[] g = data.GtIds[t], k = data.TrackerIds[t];
            double[] sim = data.Similarity[t];
            int n = k.Length;
            for (int i = 0; i < g.Length; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (sim[(i * n) + j] >= Threshold)
                    {
                        potential[(g[i] * nt) + k[j]] += 1;
                    }
                }
            }

            foreach (int id in g)
            {
                gtCount[id]++;
            }

            foreach (int id in k)
            {
                trCount[id]++;
            }
        }

        int size = ng + nt;
        var fp = new double[size * size];
        var fn = new double[size * size];
        for (int r = ng; r < size; r++)
        {
            for (int c = 0; c < nt; c++)
            {
                fp[(r * size) + c] = 1e10;
            }
        }

        for (int r = 0; r < ng; r++)
        {
            for (int c = nt; c < size; c++)
            {
                fn[(r * size) + c] = 1e10;
            }
        }

        for (int gi = 0; gi < ng; gi++)
        {
            for (int c = 0; c < nt; c++)
            {
                fn[(gi * size) + c] = gtCount[gi];
            }

            fn[(gi * size) + nt + gi] = gtCount[gi];
        }

        for (int ti = 0; ti < nt; ti++)
        {
            for (int r = 0; r < ng; r++)
            {
                fp[(r * size) + ti] = trCount[ti];
            }

            fp[((ti + ng) * size) + ti] = trCount[ti];
        }

        for (int gi = 0; gi < ng; gi++)
        {
            for (int ti = 0; ti < nt; ti++)
            {
                fn[(gi * size) + ti] -= potential[(gi * nt) + ti];
                fp[(gi * size) + ti] -= potential[(gi * nt) + ti];
            }
        }

        var cost = new double[size * size];
        for (int i = 0; i < cost.Length; i++)
        {
            cost[i] = fn[i] + fp[i];
        }

        var (rows, cols) = LinearSumAssignment.Solve(cost, size, size);
        double sfn = 0, sfp = 0;
        for (int q = 0; q < rows.Length; q++)
        {
            sfn += fn[(rows[q] * size) + cols[q]];
            sfp += fp[(rows[q] * size) + cols[q]];
        }

        res.Idfn = Math.Truncate(sfn);
        res.Idfp = Math.Truncate(sfp);
        res.Idtp = Math.Truncate(gtCount.Sum() - res.Idfn);
        res.ComputeFinal();
        return res;
    }
}
