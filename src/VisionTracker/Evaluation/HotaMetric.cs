namespace VisionTracker.Evaluation;

/// <summary>Port of TrackEval's HOTA.eval_sequence.</summary>
internal static class HotaMetric
{
    private const double Eps = 2.220446049250313e-16;

    /// <summary>Scores one sequence.</summary>
    public static HotaResult Evaluate(SequenceData data)
    {
        var res = new HotaResult();
        const int na = HotaResult.NumAlphas;
        if (data.NumTrackerDets == 0)
        {
            Array.Fill(res.Fn, data.NumGtDets);
            Array.Fill(res.LocA, 1.0);
            return res;
        }

        if (data.NumGtDets == 0)
        {
            Array.Fill(res.Fp, data.NumTrackerDets);
            Array.Fill(res.LocA, 1.0);
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
            int m = g.Length, n = k.Length;
            var colSum = new double[n];
            var rowSum = new double[m];
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = sim[(i * n) + j];
                    rowSum[i] += s;
                    colSum[j] += s;
                }
            }

            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = sim[(i * n) + j];
                    double denom = colSum[j] + rowSum[i] - s;
                    if (denom > Eps)
                    {
                        potential[(g[i] * nt) + k[j]] += s / denom;
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

        var global = new double[ng * nt];
        for (int i = 0; i < ng; i++)
        {
            for (int j = 0; j < nt; j++)
            {
                double p = potential[(i * nt) + j];
                global[(i * nt) + j] = p / (gtCount[i] + trCount[j] - p);
            }
        }

        var matches = new double[na][];
        for (int a = 0; a < na; a++)
        {
            matches[a] = new double[ng * nt];
        }

        for (int t = 0; t < data.NumTimesteps; t++)
        {
            int[] g = data.GtIds[t], k = data.TrackerIds[t];
            if (g.Length == 0)
            {
                for (int a = 0; a < na; a++)
                {
                    res.Fp[a] += k.Length;
                }

                continue;
            }

            if (k.Length == 0)
            {
                for (int a = 0; a < na; a++)
                {
                    res.Fn[a] += g.Length;
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
                    score[(i * n) + j] = global[(g[i] * nt) + k[j]] * sim[(i * n) + j];
                }
            }

            var (rows, cols) = LinearSumAssignment.Solve(score, m, n, maximize: true);
            for (int a = 0; a < na; a++)
            {
                double alpha = HotaResult.Alpha(a);
                int num = 0;
                double locSum = 0;
                for (int q = 0; q < rows.Length; q++)
                {
                    double s = sim[(rows[q] * n) + cols[q]];
                    if (s >= alpha - Eps)
                    {
                        num++;
                        locSum += s;
                        matches[a][(g[rows[q]] * nt) + k[cols[q]]] += 1;
                    }
                }

                res.Tp[a] += num;
                res.Fn[a] += m - num;
                res.Fp[a] += n - num;
                if (num > 0)
                {
                    res.LocA[a] += locSum;
                }
            }
        }

        for (int a = 0; a < na; a++)
        {
            double[] mc = matches[a];
            double sumA = 0, sumRe = 0, sumPr = 0;
            for (int i = 0; i < ng; i++)
            {
                for (int j = 0; j < nt; j++)
                {
                    double c = mc[(i * nt) + j];
                    if (c == 0)
                    {
                        continue;
                    }

                    sumA += c * (c / Math.Max(1, gtCount[i] + trCount[j] - c));
                    sumRe += c * (c / Math.Max(1, gtCount[i]));
                    sumPr += c * (c / Math.Max(1, trCount[j]));
                }
            }

            double w = Math.Max(1, res.Tp[a]);
            res.AssA[a] = sumA / w;
            res.AssRe[a] = sumRe / w;
            res.AssPr[a] = sumPr / w;
            res.LocA[a] = Math.Max(1e-10, res.LocA[a]) / Math.Max(1e-10, res.Tp[a]);
        }

        res.ComputeFinal();
        return res;
    }
}
