using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Evaluation;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Tracking;

/// <summary>
/// Detections of the real sequences, computed once per test class and shared by every tracker: Femto person
/// detections (score ≥ 0.1, plain resize to 416, every frame, the input of DATA.md's ByteTrack reference) with
/// decoder embeddings, the same boxes with OSNet crop embeddings, and the public det.txt.
/// </summary>
public sealed class TrackingQualityFixture : IDisposable
{
    public const string TudCampus = "TUD-Campus";

    public const int Bottle = 39;

    public static readonly string[] Mot17Mini =
    [
        "MOT17-mini/train/MOT17-02-FRCNN", "MOT17-mini/train/MOT17-04-FRCNN", "MOT17-mini/train/MOT17-05-FRCNN",
        "MOT17-mini/train/MOT17-09-FRCNN", "MOT17-mini/train/MOT17-10-FRCNN", "MOT17-mini/train/MOT17-11-FRCNN",
        "MOT17-mini/train/MOT17-13-FRCNN",
    ];

    private readonly Dictionary<string, SequenceDetections> _femto = [];
    private readonly Dictionary<string, SequenceDetections> _reid = [];
    private readonly Dictionary<string, SequenceDetections> _det = [];
    private readonly Lazy<DetrDetector> _detector = new(() => new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Femto, ScoreThreshold = 0.1f, ClassFilter = new HashSet<int> { 0 }, Log = static _ => { } }));
    private readonly Lazy<ReidEmbedder> _embedder = new(() => new ReidEmbedder(TestData.Model("osnet_x0_25_msmt17.onnx")));
    private readonly object _gate = new();
    private SequenceDetections? _bottles;
    private SequenceDetections? _aisle;

    /// <summary>Femto person detections with decoder embeddings, every <paramref name="step"/>-th frame.</summary>
    internal SequenceDetections Femto(string sequence, int step = 1)
    {
        lock (_gate)
        {
            if (!_femto.TryGetValue(sequence, out var d))
            {
                _femto[sequence] = d = SequenceTracking.Detect(TestData.Dataset(sequence), _detector.Value, 1, new HashSet<int> { 0 }, 0.1f);
            }

            return d.EveryKth(step);
        }
    }

    /// <summary>The same boxes as <see cref="Femto"/> with OSNet crop embeddings.</summary>
    internal SequenceDetections FemtoReid(string sequence, int step = 1)
    {
        lock (_gate)
        {
            if (!_reid.TryGetValue(sequence, out var d))
            {
                var f = Femto(sequence);
                _reid[sequence] = d = SequenceTracking.EmbedWithReid(TestData.Dataset(sequence), f, _embedder.Value);
            }

            return d.EveryKth(step);
        }
    }

    /// <summary>The public det.txt, normalised, optionally with OSNet embeddings.</summary>
    internal SequenceDetections DetTxt(string sequence, int step = 1, bool reid = false)
    {
        lock (_gate)
        {
            string key = sequence + (reid ? "+reid" : string.Empty);
            if (!_det.TryGetValue(key, out var d))
            {
                d = SequenceTracking.ReadDetections(TestData.Dataset(sequence));
                if (reid)
                {
                    d = SequenceTracking.EmbedWithReid(TestData.Dataset(sequence), d, _embedder.Value);
                }

                _det[key] = d;
            }

            return d.EveryKth(step);
        }
    }

    /// <summary>Femto bottle detections (score ≥ 0.1) with decoder embeddings on every frame of the bottle video.</summary>
    internal SequenceDetections Bottles()
    {
        lock (_gate)
        {
            if (_bottles is null)
            {
                using var src = new VisionTracker.Video.VideoFileSource(TestData.Video("bottle-detection.mp4"));
                using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Femto, ScoreThreshold = 0.1f, ClassFilter = new HashSet<int> { Bottle }, Log = static _ => { } });
                _bottles = SequenceTracking.Detect(src, det, 1, new HashSet<int> { Bottle }, 0.1f);
            }

            return _bottles;
        }
    }

    /// <summary>Femto person detections (score ≥ 0.1) with decoder embeddings on every frame of store-aisle.mp4 (no ground truth).</summary>
    internal SequenceDetections StoreAisle()
    {
        lock (_gate)
        {
            if (_aisle is null)
            {
                using var src = new VisionTracker.Video.VideoFileSource(TestData.Video("store-aisle.mp4"));
                _aisle = SequenceTracking.Detect(src, _detector.Value, 1, new HashSet<int> { 0 }, 0.1f);
            }

            return _aisle;
        }
    }

    /// <summary>
    /// Output box pairs with IoU &gt; 0.6 in one frame (DATA.md's duplicate count: one object given two tracks, or two
    /// objects overlapping heavily).
    /// </summary>
    internal static int OverlappingPairs(TrackSequence result)
    {
        int n = 0;
        foreach (var frame in result.Rows.GroupBy(r => r.Frame))
        {
            var boxes = frame.Select(r => VisionTracker.Geometry.BoxF.FromXywh((float)r.Left, (float)r.Top, (float)r.Width, (float)r.Height)).ToArray();
            for (int i = 0; i < boxes.Length; i++)
            {
                for (int j = i + 1; j < boxes.Length; j++)
                {
                    n += boxes[i].IoU(boxes[j]) > 0.6f ? 1 : 0;
                }
            }
        }

        return n;
    }

    /// <summary>Scores a tracker output against the sequence's ground truth (renumbered for the step) with the project's evaluator.</summary>
    internal static IReadOnlyDictionary<string, double> Score(string sequence, int step, TrackSequence result)
    {
        TrackSequence gt = SequenceTracking.ReadGroundTruth(TestData.Dataset(sequence), step);
        var bench = gt.SourceColumns == 7 ? EvalBenchmark.Mot15 : EvalBenchmark.Mot17;
        return MotEvaluator.Score(MotPreprocessor.Prepare(gt.Name, gt, result, gt.FrameCount, bench), new EvalOptions()).Summary();
    }

    /// <summary>Scores several sequences together (TrackEval's combined row).</summary>
    internal static IReadOnlyDictionary<string, double> ScoreCombined(IReadOnlyList<(string Sequence, int Step, TrackSequence Result)> runs)
    {
        var parts = new List<SequenceMetrics>();
        foreach (var (sequence, step, result) in runs)
        {
            TrackSequence gt = SequenceTracking.ReadGroundTruth(TestData.Dataset(sequence), step);
            var bench = gt.SourceColumns == 7 ? EvalBenchmark.Mot15 : EvalBenchmark.Mot17;
            parts.Add(MotEvaluator.Score(MotPreprocessor.Prepare(gt.Name, gt, result, gt.FrameCount, bench), new EvalOptions()));
        }

        return SequenceMetrics.Combine(parts).Summary();
    }

    public void Dispose()
    {
        if (_detector.IsValueCreated)
        {
            _detector.Value.Dispose();
        }

        if (_embedder.IsValueCreated)
        {
            _embedder.Value.Dispose();
        }
    }
}
