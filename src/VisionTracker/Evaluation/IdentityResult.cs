namespace VisionTracker.Evaluation;

/// <summary>Identity counts and scores (IDF1, IDP, IDR).</summary>
internal sealed class IdentityResult
{
    public double Idtp { get; set; }

    public double Idfn { get; set; }

    public double Idfp { get; set; }

    public double Idr { get; private set; }

    public double Idp { get; private set; }

    public double Idf1 { get; private set; }

    /// <summary>TrackEval's Identity._compute_final_fields.</summary>
    public void ComputeFinal()
    {
        Idr = Idtp / Math.Max(1.0, Idtp + Idfn);
        Idp = Idtp / Math.Max(1.0, Idtp + Idfp);
        Idf1 = Idtp / Math.Max(1.0, Idtp + (0.5 * Idfp) + (0.5 * Idfn));
    }

    /// <summary>Sums counts and recomputes the scores.</summary>
    public static IdentityResult Combine(IReadOnlyList<IdentityResult> parts)
    {
        var r = new IdentityResult();
        foreach (var p in parts)
        {
            r.Idtp += p.Idtp;
            r.Idfn += p.Idfn;
            r.Idfp += p.Idfp;
        }

        r.ComputeFinal();
        return r;
    }
}
