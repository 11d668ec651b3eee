namespace VisionTracker.Detection;

/// <summary>Options for <see cref="DetrDetector"/>. Every threshold has a default that suits the bundled DEIMv2 models.</summary>
public sealed record DetrDetectorOptions
{
    /// <summary>Path of the ONNX model file. It is read, never written.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The model's manifest entry, if known: gives preprocessing, labels and the input size for dynamic dimensions.</summary>
    public ModelEntry? Entry { get; init; }

    /// <summary>Input preprocessing; overrides <see cref="Entry"/>. Default: the manifest's, else <see cref="PreprocessSpec.DetrDefault"/>.</summary>
    public PreprocessSpec? Preprocess { get; init; }

    /// <summary>Input width for models whose width is dynamic (ignored when the model fixes it).</summary>
    public int? InputWidth { get; init; }

    /// <summary>Input height for models whose height is dynamic (ignored when the model fixes it).</summary>
    public int? InputHeight { get; init; }

    /// <summary>Minimum score kept. Lower finds more objects (and more false ones); trackers often want 0.1 and split high/low themselves.</summary>
    public float ScoreThreshold { get; init; } = 0.35f;

    /// <summary>Class ids to keep; null keeps all. Build it from names with <see cref="CocoClasses.Parse"/>.</summary>
    public IReadOnlySet<int>? ClassFilter { get; init; }

    /// <summary>At most this many detections per frame, highest scores first.</summary>
    public int MaxDetections { get; init; } = 300;

    /// <summary>
    /// Whether one decoder query may yield several detections, one per class scoring above <see cref="ScoreThreshold"/>.
    /// False (the default) keeps one object per query, its best class, as DETR's own post-processing does: the deploy
    /// layout's top-k over query x class otherwise returns the same box again under other labels (on the bottle video
    /// every bottle is also a "toothbrush" at 0.41-0.53), and a tracker following every class makes two tracks per
    /// object. The best class is chosen among the classes <see cref="ClassFilter"/> keeps, so a one-class filter
    /// (<c>--classes person</c>) returns the same detections either way; without a filter, 13 of 279 bottle boxes on
    /// every 10th frame of the bottle video go, because their query scores higher as another class.
    /// </summary>
    public bool AllClassesPerQuery { get; init; }

    /// <summary>Class-aware non-maximum suppression. Off by default: DETRs predict a set and rarely duplicate.</summary>
    public bool ClassAwareNms { get; init; }

    /// <summary>IoU above which <see cref="ClassAwareNms"/> drops the lower-scored box of the same class.</summary>
    public float NmsIouThreshold { get; init; } = 0.7f;

    /// <summary>Execution provider: <c>cpu</c>, <c>cuda[:id]</c>, <c>tensorrt[:id]</c> or <c>auto</c> (the only one that falls back).</summary>
    public string ExecutionProvider { get; init; } = "cpu";

    /// <summary>ONNX Runtime intra-op threads. Default: one per logical core, which on a small box is the fastest setting.</summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether ONNX Runtime's intra-op worker threads spin-wait between work items. Spinning shaves latency off a
    /// detector that has the machine to itself, but in the pipeline it takes CPU from decoding, tracking and
    /// writing; off by default, measured with <c>vtrack bench</c>.
    /// </summary>
    public bool IntraOpSpinning { get; init; }

    /// <summary>Expose the decoder hidden state and return one embedding per detection (the tracker's appearance cue).</summary>
    public bool EnableEmbeddingTap { get; init; } = true;

    /// <summary>Where one-off notices go (provider fallback, missing tap). Default: standard error.</summary>
    public Action<string>? Log { get; init; }
}
