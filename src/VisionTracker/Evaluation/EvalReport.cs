namespace VisionTracker.Evaluation;

/// <summary>Results of one evaluation run: per sequence and COMBINED_SEQ, and per class when multi-class.</summary>
internal sealed class EvalReport
{
    /// <summary>Name of the combined row, as TrackEval names it.</summary>
    public const string Combined = "COMBINED_SEQ";

    /// <summary>Gets results per class name ("pedestrian" for MOT benchmarks, "ALL" for the multi-class combination), then per sequence (plus COMBINED_SEQ).</summary>
    public Dictionary<string, Dictionary<string, SequenceMetrics>> Classes { get; } = [];

    /// <summary>Gets the benchmark mode each sequence was scored with.</summary>
    public Dictionary<string, EvalBenchmark> SequenceBenchmarks { get; } = [];

    /// <summary>Gets class-averaged summaries (mean over classes with any data) per sequence, multi-class only.</summary>
    public Dictionary<string, IReadOnlyDictionary<string, double>> ClassAveraged { get; } = [];
}
