namespace VisionTracker.Evaluation;

/// <summary>HOTA fields per alpha (0.05..0.95), as TrackEval keeps them.</summary>
internal sealed class HotaResult
{
    /// <summary>Number of alpha thresholds.</summary>
    public const int NumAlphas = 19;

    public double[] Tp { get; } = new double[NumAlphas];

    public double[] Fn { get; } = new double[NumAlphas];

    public double[] Fp { get; } = new double[NumAlphas];

    public double[] AssA { get; } = new double[NumAlphas];

    public double[] AssRe { get; } = new double[NumAlphas];

    public double[] AssPr { get; } = new double[NumAlphas];

    public double[] LocA { get; } = new double[NumAlphas];

    public double[] DetRe { get; } = new double[NumAlphas];

    public double[] DetPr { get; } = new double[NumAlphas];

    public double[] DetA { get; } = new double[NumAlphas];

    public double[] Hota { get; } = new double[NumAlphas];

    /// <summary>Gets alpha i exactly as numpy's arange(0.05, 0.99, 0.05) gives it.</summary>
    public static double Alpha(int i) => 0.05 + (i * 0.05);

    /// <summary>TrackEval's _compute_final_fields.</summary>
    public void ComputeFinal()
    {
        for (int a = 0; a < NumAlphas; a++)
        {
            DetRe[a] = Tp[a] / Math.Max(1, Tp[a] + Fn[a]);
            DetPr[a] = Tp[a] / Math.Max(1, Tp[a] + Fp[a]);
            DetA[a] = Tp[a] / Math.Max(1, Tp[a] + Fn[a] + Fp[a]);
            Hota[a] = Math.Sqrt(DetA[a] * AssA[a]);
        }
    }

    /// <summary>TrackEval's HOTA.combine_sequences (also its det-averaged class combination).</summary>
    public static HotaResult Combine(IReadOnlyList<HotaResult> parts)
    {
        var r = new HotaResult();
        for (int a = 0; a < NumAlphas; a++)
        {
            double assA = 0, assRe = 0, assPr = 0, loc = 0;
            foreach (var p in parts)
            {
                r.Tp[a] += p.Tp[a];
                r.Fn[a] += p.Fn[a];
                r.Fp[a] += p.Fp[a];
                assA += p.AssA[a] * p.Tp[a];
                assRe += p.AssRe[a] * p.Tp[a];
                assPr += p.AssPr[a] * p.Tp[a];
                loc += p.LocA[a] * p.Tp[a];
            }

            double w = Math.Max(1, r.Tp[a]);
            r.AssA[a] = assA / w;
            r.AssRe[a] = assRe / w;
            r.AssPr[a] = assPr / w;
            r.LocA[a] = Math.Max(1e-10, loc) / Math.Max(1e-10, r.Tp[a]);
        }

        r.ComputeFinal();
        return r;
    }

    /// <summary>Mean of an alpha array (what TrackEval reports).</summary>
    public static double Mean(double[] values) => values.Sum() / values.Length;
}
