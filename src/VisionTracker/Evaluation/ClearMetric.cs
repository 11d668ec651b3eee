namespace VisionTracker.Evaluation;

/// <summary>Port of TrackEval's CLEAR.eval_sequence (threshold 0.5, 1000x bonus for continuing matches).</summary>
internal static class ClearMetric
{
    private const double Eps = 2.220446049250313e-16;
    private const double Threshold = 0.5;

    /// <summary>Scores one sequence.</summary>
    public static ClearResult Evaluate(SequenceData data)
    {
        var res = new ClearResult();
        if (data.NumTrackerDets == 0)
        {
            res.Fn = data.NumGtDets;
            res.Ml = data.NumGtIds;
            return res;
        }

        if (data.NumGtDets == 0)
        {
            res.Fp = data.NumTrackerDets;
            return res;
        }

        int ng = data.NumGtIds;
        var gtIdCount = new double[ng];
        var gtMatched = new double[ng];
        var gtFrag = new double[ng];
        var prevTracker = new int[ng];
        var prevStep = new int[ng];
        Array.Fill(prevTracker, -1);
        Array.Fill(prevStep, -1);
        var notPrev = new bool[ng];

        for (int t = 0; t < data.NumTimesteps; t++)
        {
            int[] g = data.GtIds[t], k = data.TrackerIds[t];
            if (g.Length == 0)
            {
                res.Fp += k.Length;
                continue;
            }

            if (k.Length == 0)
            {
                res.Fn += g.Length;
                foreach (int id in g)
                {
                    gtIdCount[id]++;
                }

                continue;
            }

            double[] sim = data.Similarity[t];
            int m = g.Length, n = k.Length;
            var score = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = sim[(i * n) + j];
                    double v = (prevStep[g[i]] == k[j] ? 1000.0 : 0.0) + s;
                    score[(i * n) + j] = s < Threshold - Eps ? 0 : v;
                }
            }

            var (rows, cols) = LinearSumAssignment.Solve(score, m, n, maximize: true);
            var mg = new List<int>(rows.Length);
            var mt = new List<int>(rows.Length);
            double motp = 0;
            for (int q = 0; q < rows.Length; q++)
            {
                if (score[(rows[q] * n) + cols[q]] > Eps)
                {
                    mg.Add(g[rows[q]]);
                    mt.Add(k[cols[q]]);
                    motp += sim[(rows[q] * n) + cols[q]];
                }
            }

            for (int q = 0; q < mg.Count; q++)
            {
                int prev = prevTracker[mg[q]];
                if (prev >= 0 && prev != mt[q])
                {
                    res.Idsw++;
                }
            }

            foreach (int id in g)
            {
                gtIdCount[id]++;
            }

            foreach (int id in mg)
            {
                gtMatched[id]++;
            }

            for (int i = 0; i < ng; i++)
            {
                notPrev[i] = prevStep[i] < 0;
            }

            for (int q = 0; q < mg.Count; q++)
            {
                prevTracker[mg[q]] = mt[q];
            }

            Array.Fill(prevStep, -1);
            for (int q = 0; q < mg.Count; q++)
            {
                prevStep[mg[q]] = mt[q];
            }

            for (int i = 0; i < ng; i++)
            {
                if (notPrev[i] && prevStep[i] >= 0)
                {
                    gtFrag[i]++;
                }
            }

            res.Tp += mg.Count;
            res.Fn += m - mg.Count;
            res.Fp += n - mg.Count;
            if (mg.Count > 0)
            {
                res.MotpSum += motp;
            }
        }

        double mtCount = 0, ptOrMore = 0, frag = 0;
        for (int i = 0; i < ng; i++)
        {
            if (gtIdCount[i] > 0)
            {
                double ratio = gtMatched[i] / gtIdCount[i];
                if (ratio > 0.8)
                {
                    mtCount++;
                }

                if (ratio >= 0.2)
                {
                    ptOrMore++;
                }
            }

            if (gtFrag[i] > 0)
            {
                frag += gtFrag[i] - 1;
            }
        }

        res.Mt = mtCount;
        res.Pt = ptOrMore - mtCount;
        res.Ml = ng - res.Mt - res.Pt;
        res.Frag = frag;
        res.Frames = data.NumTimesteps;
        res.ComputeFinal();
        return res;
    }
}
