namespace VisionTracker.Pipeline;

/// <summary>What <see cref="PipelineBenchmark"/> measured, in one process on the same frames.</summary>
/// <param name="Source">Source name.</param>
/// <param name="Model">Model name.</param>
/// <param name="Frames">Frames measured in each phase.</param>
/// <param name="DecodeMs">Mean decode time per frame in the pipeline run.</param>
/// <param name="PreMs">Mean pre-processing time per frame (detector-only phase).</param>
/// <param name="InferMs">Mean inference time per frame (detector-only phase).</param>
/// <param name="PostMs">Mean post-processing time per frame (detector-only phase).</param>
/// <param name="TrackMs">Mean tracking (and zones) time per frame in the pipeline run.</param>
/// <param name="WriteMs">Mean writing time per frame, all sinks, in the pipeline run.</param>
/// <param name="DetectorOnlyFps">Frames per second of the detector alone on frames decoded in advance.</param>
/// <param name="PipelineFps">Frames per second of the full pipeline (decode, detect, track, write).</param>
/// <param name="Cores">Logical processors available to the process.</param>
public sealed record BenchmarkResult(
    string Source,
    string Model,
    int Frames,
    double DecodeMs,
    double PreMs,
    double InferMs,
    double PostMs,
    double TrackMs,
    double WriteMs,
    double DetectorOnlyFps,
    double PipelineFps,
    int Cores)
{
    /// <summary>Pipeline fps over detector-only fps: the pipeline's overhead bar is 0.9 or more.</summary>
    public double Ratio => DetectorOnlyFps > 0 ? PipelineFps / DetectorOnlyFps : 0;

    /// <summary>Mean camera-motion estimation time per frame in the pipeline run, or null when compensation was off.</summary>
    public double? GmcMs { get; init; }
}
