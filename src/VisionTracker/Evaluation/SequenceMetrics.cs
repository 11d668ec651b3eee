namespace VisionTracker.Evaluation;

/// <summary>The three metric families for one sequence (or a combination); a family is null when not requested.</summary>
internal sealed record SequenceMetrics(HotaResult? Hota, ClearResult? Clear, IdentityResult? Identity)
{
    /// <summary>Combines sequences (or classes, det-averaged) the way TrackEval's combine_sequences does.</summary>
    public static SequenceMetrics Combine(IReadOnlyList<SequenceMetrics> parts) => new(
        parts.Count > 0 && parts[0].Hota is not null ? HotaResult.Combine(parts.Select(p => p.Hota!).ToList()) : null,
        parts.Count > 0 && parts[0].Clear is not null ? ClearResult.Combine(parts.Select(p => p.Clear!).ToList()) : null,
        parts.Count > 0 && parts[0].Identity is not null ? IdentityResult.Combine(parts.Select(p => p.Identity!).ToList()) : null);

    /// <summary>Summary numbers with TrackEval's names; scores are percentages (x100), counts absolute.</summary>
    public IReadOnlyDictionary<string, double> Summary()
    {
        var d = new Dictionary<string, double>();
        if (Hota is { } h)
        {
            d["HOTA"] = 100 * HotaResult.Mean(h.Hota);
            d["DetA"] = 100 * HotaResult.Mean(h.DetA);
            d["AssA"] = 100 * HotaResult.Mean(h.AssA);
            d["DetRe"] = 100 * HotaResult.Mean(h.DetRe);
            d["DetPr"] = 100 * HotaResult.Mean(h.DetPr);
            d["AssRe"] = 100 * HotaResult.Mean(h.AssRe);
            d["AssPr"] = 100 * HotaResult.Mean(h.AssPr);
            d["LocA"] = 100 * HotaResult.Mean(h.LocA);
        }

        if (Clear is { } c)
        {
            d["MOTA"] = 100 * c.Mota;
            d["MOTP"] = 100 * c.Motp;
            d["MODA"] = 100 * c.Moda;
            d["IDSW"] = c.Idsw;
            d["Frag"] = c.Frag;
            d["MT"] = c.Mt;
            d["PT"] = c.Pt;
            d["ML"] = c.Ml;
            d["CLR_FP"] = c.Fp;
            d["CLR_FN"] = c.Fn;
            d["CLR_TP"] = c.Tp;
        }

        if (Identity is { } i)
        {
            d["IDF1"] = 100 * i.Idf1;
            d["IDP"] = 100 * i.Idp;
            d["IDR"] = 100 * i.Idr;
            d["IDTP"] = i.Idtp;
            d["IDFP"] = i.Idfp;
            d["IDFN"] = i.Idfn;
        }

        return d;
    }
}
