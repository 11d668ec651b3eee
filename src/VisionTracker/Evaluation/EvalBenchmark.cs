namespace VisionTracker.Evaluation;

/// <summary>How ground truth is preprocessed before scoring.</summary>
public enum EvalBenchmark
{
    /// <summary>Pick per sequence: MOT15 for 7- or 10-column gt (frame, id, box, conf[, world x, y, z]) or a path naming MOT15, else MOT17 (9-column gt with consider, class, visibility).</summary>
    Auto,

    /// <summary>MOT15: no preprocessing; only gt rows with consider flag 0 are dropped.</summary>
    Mot15,

    /// <summary>MOT17: tracker boxes matched to distractor gt (classes 2, 7, 8, 12) at IoU ≥ 0.5 are removed; only considered pedestrian gt is kept.</summary>
    Mot17,

    /// <summary>Multi-class: every gt class is scored on its own against tracker rows of the same class, then combined.</summary>
    MultiClass,
}
