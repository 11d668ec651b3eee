namespace VisionTracker.Tracking;

/// <summary>How attention logits become match probabilities in <see cref="CrossAttentionTracker"/>.</summary>
public enum MatchNormalization
{
    /// <summary>Softmax over each track's row (detections plus dustbin). Each track picks; detections may be wanted twice, the assignment settles it.</summary>
    RowSoftmax,

    /// <summary>Row softmax times column softmax (LoFTR): both the track and the detection must prefer each other. Sharper, lower recall on ambiguous pairs.</summary>
    DualSoftmax,

    /// <summary>Log-domain Sinkhorn with dustbins on both sides (SuperGlue): a soft one-to-one assignment. Slowest, best calibrated when both sides are crowded.</summary>
    Sinkhorn,
}

/// <summary>How raw detection embeddings are centred before L2 normalisation.</summary>
public enum EmbeddingCentering
{
    /// <summary>Use the raw embedding. Only right for appearance models whose embeddings are already discriminative (re-ID).</summary>
    None,

    /// <summary>Subtract this frame's mean detection embedding. Strong, but a frame with one detection centres it to zero (appearance then carries no weight).</summary>
    FrameMean,

    /// <summary>Subtract a running mean of per-frame means (<see cref="TrackerOptions.CenterMomentum"/>). Robust with few detections per frame; the default.</summary>
    RunningMean,
}

/// <summary>
/// Every threshold of <see cref="CrossAttentionTracker"/> and <see cref="IouTracker"/>, named, with its trade-off.
/// Defaults are general (ByteTrack's published values where the same knob exists), not tuned to one sequence.
/// </summary>
/// <remarks>
/// Scores are assumed to be probabilities in [0, 1] (DETR-family sigmoid scores). Public detection files whose
/// confidences use another range (MOT15 det.txt) must be rescaled by the caller before <see cref="ITracker.Update"/>.
/// </remarks>
public sealed record TrackerOptions
{
    /// <summary>Defaults.</summary>
    public static TrackerOptions Default { get; } = new();

    /// <summary>
    /// τ_high: detections at or above this score take part in the first (attention/IoU) stage and may start tracks.
    /// Higher gives cleaner tracks but more fragments when confidence dips (ByteTrack <c>track_thresh</c> 0.5).
    /// </summary>
    public float HighScore { get; init; } = 0.5f;

    /// <summary>
    /// τ_low: detections in [τ_low, τ_high) are used only to continue existing tracks by IoU (ByteTrack's second stage);
    /// lower ones are dropped. Lower keeps occluded objects alive longer but risks continuing onto clutter (ByteTrack 0.1).
    /// </summary>
    public float LowScore { get; init; } = 0.1f;

    /// <summary>
    /// Minimum score for an unmatched high detection to start a new track. Above τ_high so a borderline detection does
    /// not spawn a duplicate (ByteTrack <c>track_thresh + 0.1</c>).
    /// </summary>
    public float NewTrackScore { get; init; } = 0.6f;

    /// <summary>
    /// τ: softmax temperature of the attention logits (q·k/τ over unit vectors). Small makes decisions sharp; embeddings
    /// then dominate. Too small makes one noisy frame flip a match. 0.1 separates cosines that differ by ~0.2 by e².
    /// </summary>
    public float Temperature { get; init; } = 0.1f;

    /// <summary>
    /// γ: weight of the sinusoidal box encoding in queries and keys (its dot product, in [-1, 1], is multiplied by γ²).
    /// Larger leans on position (good at high frame rate, bad through crossings); 0 is appearance only.
    /// </summary>
    public float PositionWeight { get; init; } = 0.7f;

    /// <summary>
    /// λ: weight of the appearance term (cosine of the unit embeddings, in [-1, 1]) in the logit numerator of tracks
    /// matched last frame, beside γ²·PE·PE and the IoU term. Their Kalman prediction is good, so appearance only breaks
    /// ties: centred decoder embeddings pick the wrong person often enough (1 in 6 on TUD-Campus frames 1→2) that at
    /// λ = 1 they outvoted geometry and made 24 id switches on TUD-Campus (IDF1 48.6) against 3 (72.7) at 0.2; 0.2-0.3
    /// score alike, 0.1 is worse (IDF1 62.7). Lost tracks use <see cref="LostAppearanceWeight"/>.
    /// </summary>
    public float AppearanceWeight { get; init; } = 0.2f;

    /// <summary>
    /// λ for Lost tracks (queries that were not matched last frame): their Kalman prediction has drifted, so appearance
    /// has to carry their identity (re-finding after an occlusion, DESIGN.md step 7). 1 lets it outvote geometry.
    /// </summary>
    public float LostAppearanceWeight { get; init; } = 1f;

    /// <summary>
    /// Box units of the positional encoding: centres are divided by this many box sizes (sqrt of the track's predicted
    /// area) before encoding, so the kernel falls off over about this many object sizes whatever the image resolution.
    /// </summary>
    public float PositionScale { get; init; } = 1.0f;

    /// <summary>
    /// Weight of IoU(predicted track box, detection) added to the logit numerator (before /τ). Gives overlap a direct say,
    /// and is what separates pairs when there are no embeddings. 0 disables.
    /// </summary>
    public float IouWeight { get; init; } = 0.5f;

    /// <summary>
    /// Dustbin logit (before /τ, on the same scale as q·k): the score of "no match". A track whose best detection's
    /// similarity is below this is likelier to stay unmatched. Higher makes the tracker pickier (fewer wrong matches,
    /// more fragments).
    /// </summary>
    public float DustbinScore { get; init; } = 0.3f;

    /// <summary>p_min: an attention pair is accepted only if its match probability is at least this (cost −log p_min to the assignment).</summary>
    public float MinMatchProbability { get; init; } = 0.2f;

    /// <summary>
    /// How logits become probabilities. Dual softmax (the default) accepts a pair only when the track and the detection
    /// prefer each other. With the other defaults, on Femto person detections (docs/tracking-quality.md), row softmax
    /// scores about the same on TUD-Campus at 25 fps (IDF1 72.1 against 72.7) but clearly worse every 3rd frame (59.8
    /// against 73.9), where boxes barely overlap and a track's row is flat. Cost (minimum of many runs on a shared
    /// 2-core CPU, D = 256, 300 x 300): row 1.0 ms, dual 1.5 ms, Sinkhorn 17 ms; dual is within the 3 ms association
    /// bar, Sinkhorn misses it.
    /// </summary>
    public MatchNormalization Normalization { get; init; } = MatchNormalization.DualSoftmax;

    /// <summary>
    /// Whether <see cref="CrossAttentionTracker"/> runs attention on geometry alone (positional encoding and IoU term,
    /// motion gate) when detections carry no embeddings (a det.txt, a detection dump without its sidecar). True (the
    /// default since issue 14): on TUD-Campus it beats <see cref="IouTracker"/>'s first stage on the public ACF det.txt
    /// (HOTA 36.97 against 33.86, IDF1 55.96 against 45.74) and on Femto boxes with their embeddings dropped at every
    /// frame, every 3rd, 6th and 9th (+2.3, +4.6, +2.4, +11.1 HOTA), because the motion gate and positional encoding
    /// accept a moving person whose boxes barely overlap; it loses on det.txt every 3rd frame (25.14 against 26.24) and
    /// ties on MOT17-mini (docs/tracking-quality.md). False falls back to the IoU tracker's first stage exactly, so
    /// without embeddings the two trackers then give the same tracks.
    /// </summary>
    public bool AttentionWithoutEmbeddings { get; init; } = true;

    /// <summary>
    /// Whether lost tracks attend only to the high detections left after the tracks matched last frame have taken
    /// theirs (DeepSORT's matching cascade). A lost track's prediction has drifted and its appearance term is weighted
    /// up (<see cref="LostAppearanceWeight"/>), so in one joint assignment it can outbid the track that is really
    /// following a person. False puts all tracks in one assignment: on TUD-Campus Femto that made 23 id switches (IDF1
    /// 64.8) against 3 (72.7).
    /// </summary>
    public bool MatchLostAfterConfirmed { get; init; } = true;

    /// <summary>
    /// Whether output boxes are the Kalman filter's updated boxes (as ByteTrack outputs) instead of the matched
    /// detections' boxes. False by default: output rows then map one-to-one onto input detections.
    /// </summary>
    public bool OutputKalmanBoxes { get; init; }

    /// <summary>Sinkhorn iterations when <see cref="Normalization"/> is <see cref="MatchNormalization.Sinkhorn"/>.</summary>
    public int SinkhornIterations { get; init; } = 10;

    /// <summary>
    /// Motion gate: a pair with IoU 0 is impossible when the centre distance exceeds this many track sizes (sqrt of the
    /// predicted area). Larger tolerates fast motion and low frame rate, smaller forbids far-away identity jumps.
    /// </summary>
    public float MotionGate { get; init; } = 1.5f;

    /// <summary>
    /// How the motion gate widens with time since the track was last matched: gate × (1 + this × seconds). Lets a lost
    /// track be re-found a little further away the longer it was gone.
    /// </summary>
    public float MotionGateGrowthPerSecond { get; init; } = 1.0f;

    /// <summary>
    /// Whether the motion gate also widens with time unseen (<see cref="MotionGateGrowthPerSecond"/>) when the attention
    /// stage runs on geometry alone (<see cref="AttentionWithoutEmbeddings"/>, detections without embeddings). False
    /// (the default): without appearance nothing can tell who a box far from a track's prediction is, so a lost track
    /// is not re-found beyond the plain gate (BoT-SORT likewise lets appearance act only near the prediction).
    /// Measured on geometry-only attention (docs/tracking-quality.md): TUD-Campus det.txt every 3rd frame HOTA 23.47 →
    /// 25.14, Femto boxes every 9th frame 46.12 → 46.93, the other rates unchanged.
    /// </summary>
    public bool GeometryOnlyGateGrowth { get; init; }

    /// <summary>
    /// IoU for matching remaining confirmed tracks to low-score detections (second stage). Higher avoids hijacking by
    /// clutter; lower keeps heavily occluded objects (ByteTrack 0.5).
    /// </summary>
    public float SecondStageMinIou { get; init; } = 0.5f;

    /// <summary>
    /// IoU for matching tentative tracks to remaining high detections. Tentative tracks have one or two boxes, so their
    /// motion is unknown; a loose value lets them confirm (ByteTrack 0.3, i.e. match_thresh 0.7 on 1−IoU).
    /// </summary>
    public float TentativeMinIou { get; init; } = 0.3f;

    /// <summary>
    /// IoU for the first stage of <see cref="IouTracker"/> (score-fused IoU as in ByteTrack). The baseline's
    /// equivalent of ByteTrack match_thresh 0.8 (IoU·score ≥ 0.2).
    /// </summary>
    public float FirstStageMinIou { get; init; } = 0.2f;

    /// <summary>
    /// n_init: hits for a tentative track to be confirmed and output. Higher suppresses false-positive tracks at the
    /// cost of a delayed start (DeepSORT 3, ByteTrack effectively 2).
    /// </summary>
    public int ConfirmHits { get; init; } = 2;

    /// <summary>Whether tracks born in the very first frame are confirmed at once (ByteTrack does; there is no history to wait for).</summary>
    public bool ConfirmOnFirstFrame { get; init; } = true;

    /// <summary>
    /// lost_seconds: how long a lost track may be re-found (by attention, through its embedding) before it is removed.
    /// Longer bridges long occlusions and risks re-using an id for a new object (ByteTrack buffer 30 frames at 30 fps).
    /// </summary>
    public double LostSeconds { get; init; } = 1.5;

    /// <summary>
    /// Embedding EMA momentum: track ← m·track + (1−m)·detection. Higher is more stable through occluded frames, slower
    /// to follow appearance change (BoT-SORT 0.9).
    /// </summary>
    public float EmbeddingMomentum { get; init; } = 0.9f;

    /// <summary>Minimum detection score for its embedding to update a track's EMA (occluded, uncertain boxes carry mixed appearance).</summary>
    public float EmbeddingUpdateMinScore { get; init; } = 0.6f;

    /// <summary>A detection overlapping another by more than this IoU is treated as occluded and does not update the EMA.</summary>
    public float EmbeddingUpdateMaxOverlap { get; init; } = 0.3f;

    /// <summary>
    /// How embeddings are centred before normalising (raw DETR decoder embeddings are all alike: cosines 0.8-1.0,
    /// DESIGN.md). The running mean stays the default: with <see cref="AppearanceWeight"/> 0.2 the three choices are
    /// within 3 IDF1 of each other on TUD-Campus (docs/tracking-quality.md), and centring is what lets appearance
    /// separate objects when it is weighted up (lost tracks, the synthetic crossing and re-find tests). Raw embeddings
    /// also carry a large constant cosine that acts as a bias towards whichever tracks have the larger weight.
    /// </summary>
    public EmbeddingCentering Centering { get; init; } = EmbeddingCentering.RunningMean;

    /// <summary>Momentum of the running mean used by <see cref="EmbeddingCentering.RunningMean"/>: mean ← m·mean + (1−m)·frame mean.</summary>
    public float CenterMomentum { get; init; } = 0.9f;

    /// <summary>
    /// Frame rate that one Kalman step stands for (the filter's noise is ByteTrack's per-frame values). Time between
    /// frames is converted to steps with it, so the filter behaves the same at any actual frame rate.
    /// </summary>
    public double KalmanReferenceFps { get; init; } = 30;

    /// <summary>
    /// An unmatched high detection does not start a track when it overlaps a box matched to a live track this frame (or a
    /// track started from a higher-scored detection this frame) by more than this IoU: two decoder queries on one object
    /// (a full and a partial box) otherwise give it two tracks. 0 disables. 0.3 measured on Femto person detections
    /// (docs/tracking-quality.md): TUD-Campus every frame FP 83 → 75, id switches 3 → 2, output box pairs with IoU &gt; 0.6
    /// 11 → 3; every 3rd frame and MOT17-mini unchanged; 0.4 and above changed nothing on these sequences.
    /// </summary>
    public float DuplicateBirthIou { get; init; } = 0.3f;

    /// <summary>
    /// After matching, of two confirmed tracks matched this frame whose boxes overlap by more than this IoU, the younger
    /// is removed (ByteTrack's <c>remove_duplicate_stracks</c>, which does it between tracked and lost tracks at IoU 0.85,
    /// keeps the longer history the same way). 0 disables.
    /// </summary>
    public float DuplicateTrackIou { get; init; }

    /// <summary>
    /// Whether first-stage pairs must also pass the Kalman Mahalanobis gate (squared distance over (cx, cy, w, h) at most
    /// the χ² 0.95 quantile, DeepSORT's gate), besides the class and motion gates.
    /// </summary>
    public bool MahalanobisGate { get; init; }

    /// <summary>
    /// Offline only: when a tentative track is confirmed, the boxes it had while tentative are emitted too (late, through
    /// <see cref="IOfflineTracker"/>), so the first frames of a track are not lost. Live output is unchanged.
    /// </summary>
    public bool BackfillTentative { get; init; }

    /// <summary>
    /// Confidence-weighted embedding update (Deep OC-SORT's dynamic appearance): the EMA momentum rises from
    /// <see cref="EmbeddingMomentum"/> towards 1 as the detection score falls towards
    /// <see cref="EmbeddingUpdateMinScore"/>, so uncertain boxes change the track's appearance less.
    /// </summary>
    public bool ConfidenceWeightedEmbedding { get; init; }

    /// <summary>
    /// Per-track gallery of the last this many clean embeddings (BoT-SORT/Deep OC-SORT keep a bank); the appearance
    /// similarity is then the best cosine over the gallery and the EMA. 0 uses the EMA alone.
    /// </summary>
    public int EmbeddingGallerySize { get; init; }

    /// <summary>
    /// Two-level birth (ByteTrack activates only tracks whose score passed a threshold): an unmatched high detection
    /// scoring in [this, <see cref="NewTrackScore"/>) starts a tentative track that is confirmed, and output, only once
    /// one of its detections reaches <see cref="NewTrackScore"/> (and it has <see cref="ConfirmHits"/> hits); it is never
    /// confirmed at once on the first frame. 0 disables: such detections start no track. The default 0.5 (= τ_high,
    /// ByteTrack's track_thresh) was measured on Femto and public detections (docs/tracking-quality.md): HOTA +0.45 on
    /// MOT17-mini, +0.8 on TUD-Campus det.txt every frame and +6.5 every 3rd frame, every 3rd frame of TUD-Campus Femto
    /// and store-aisle unchanged, TUD-Campus Femto every frame −0.22 (2 more false-positive boxes); 0.55 scores alike.
    /// </summary>
    public float TentativeBirthScore { get; init; } = 0.5f;

    /// <summary>
    /// Whether the attention stage may not give a track that is not lost a high detection that IoU's first stage would
    /// refuse (IoU × score below <see cref="FirstStageMinIou"/>) when an unused low detection overlaps the track's
    /// prediction by at least <see cref="SecondStageMinIou"/>. Attention weighs position and appearance softly, so when a track's own object drops to a low score it can
    /// take a nearby newcomer's high box (an id switch, and the object itself goes unreported); with this the track
    /// continues on its low detection in the second stage, as ByteTrack's IoU stages would, and the high detection
    /// stays free to start its own track.
    /// </summary>
    public bool KeepOwnLowDetection { get; init; }

    /// <summary>Checks ranges; throws <see cref="ArgumentOutOfRangeException"/> naming the option.</summary>
    public void Validate()
    {
        Check(LowScore >= 0 && LowScore <= HighScore, nameof(LowScore), "must be in [0, HighScore]");
        Check(HighScore <= 1, nameof(HighScore), "must be at most 1");
        Check(Temperature > 0, nameof(Temperature), "must be positive");
        Check(AppearanceWeight >= 0, nameof(AppearanceWeight), "must be non-negative");
        Check(LostAppearanceWeight >= 0, nameof(LostAppearanceWeight), "must be non-negative");
        Check(PositionWeight >= 0, nameof(PositionWeight), "must be non-negative");
        Check(PositionScale > 0, nameof(PositionScale), "must be positive");
        Check(MinMatchProbability > 0 && MinMatchProbability <= 1, nameof(MinMatchProbability), "must be in (0, 1]");
        Check(MotionGate > 0, nameof(MotionGate), "must be positive");
        Check(ConfirmHits >= 1, nameof(ConfirmHits), "must be at least 1");
        Check(LostSeconds >= 0, nameof(LostSeconds), "must be non-negative");
        Check(EmbeddingMomentum is >= 0 and < 1, nameof(EmbeddingMomentum), "must be in [0, 1)");
        Check(CenterMomentum is >= 0 and < 1, nameof(CenterMomentum), "must be in [0, 1)");
        Check(KalmanReferenceFps > 0, nameof(KalmanReferenceFps), "must be positive");
        Check(DuplicateBirthIou is >= 0 and <= 1, nameof(DuplicateBirthIou), "must be in [0, 1]");
        Check(DuplicateTrackIou is >= 0 and <= 1, nameof(DuplicateTrackIou), "must be in [0, 1]");
        Check(TentativeBirthScore is >= 0 and <= 1, nameof(TentativeBirthScore), "must be in [0, 1]");
        Check(EmbeddingGallerySize >= 0, nameof(EmbeddingGallerySize), "must be non-negative");
        Check(SinkhornIterations >= 1, nameof(SinkhornIterations), "must be at least 1");
    }

    private static void Check(bool ok, string name, string rule)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, $"TrackerOptions.{name} {rule}.");
        }
    }
}
