namespace VisionTracker.Evaluation;

/// <summary>What <see cref="MotEvaluator"/> computes.</summary>
internal sealed record EvalOptions
{
    /// <summary>Gets the preprocessing mode.</summary>
    public EvalBenchmark Benchmark { get; init; } = EvalBenchmark.Auto;

    /// <summary>Gets whether HOTA is computed.</summary>
    public bool Hota { get; init; } = true;

    /// <summary>Gets whether CLEAR is computed.</summary>
    public bool Clear { get; init; } = true;

    /// <summary>Gets whether Identity is computed.</summary>
    public bool Identity { get; init; } = true;
}
