namespace VisionTracker.Evaluation;

/// <summary>CLEAR MOT counts and scores (TrackEval field names).</summary>
internal sealed class ClearResult
{
    public double Tp { get; set; }

    public double Fn { get; set; }

    public double Fp { get; set; }

    public double Idsw { get; set; }

    public double Mt { get; set; }

    public double Pt { get; set; }

    public double Ml { get; set; }

    public double Frag { get; set; }

    public double Frames { get; set; }

    public double MotpSum { get; set; }

    public double Mota { get; private set; }

    public double Motp { get; private set; }

    public double Moda { get; private set; }

    public double Recall { get; private set; }

    public double Precision { get; private set; }

    /// <summary>TrackEval's CLEAR._compute_final_fields.</summary>
    public void ComputeFinal()
    {
        double denom = Math.Max(1.0, Tp + Fn);
        Recall = Tp / denom;
        Precision = Tp / Math.Max(1.0, Tp + Fp);
        Moda = (Tp - Fp) / denom;
        Mota = (Tp - Fp - Idsw) / denom;
        Motp = MotpSum / Math.Max(1.0, Tp);
    }

    /// <summary>TrackEval's CLEAR.combine_sequences: sums, then final fields.</summary>
    public static ClearResult Combine(IReadOnlyList<ClearResult> parts)
    {
        var r = new ClearResult();
        foreach (var p in parts)
        {
            r.Tp += p.Tp;
            r.Fn += p.Fn;
            r.Fp += p.Fp;
            r.Idsw += p.Idsw;
            r.Mt += p.Mt;
            r.Pt += p.Pt;
            r.Ml += p.Ml;
            r.Frag += p.Frag;
            r.Frames += p.Frames;
            r.MotpSum += p.MotpSum;
        }

        r.ComputeFinal();
        return r;
    }
}
