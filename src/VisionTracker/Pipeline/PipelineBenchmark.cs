using System.Diagnostics;
using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Measures, in one process and on the same frames, (1) the detector alone on frames decoded in advance and
/// (2) the full pipeline (decode, detect, track, write). Their fps ratio is the pipeline's overhead.
/// </summary>
public static class PipelineBenchmark
{
    /// <summary>Runs both phases.</summary>
    /// <param name="openSource">Opens a fresh source positioned at its first frame (called twice).</param>
    /// <param name="detector">The detector, shared by both phases.</param>
    /// <param name="createTracker">Creates a fresh tracker for the pipeline phase.</param>
    /// <param name="createSinks">Creates the sinks for the pipeline phase (the caller disposes them).</param>
    /// <param name="frames">Frames to measure in each phase.</param>
    /// <param name="warmupFrames">Frames run through the detector before timing.</param>
    /// <param name="cancellationToken">Stops the benchmark.</param>
    public static async Task<BenchmarkResult> RunAsync(
        Func<IFrameSource> openSource,
        IDetector detector,
        Func<ITracker> createTracker,
        Func<IReadOnlyList<IFrameSink>> createSinks,
        int frames,
        int warmupFrames = 5,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openSource);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(createTracker);
        ArgumentNullException.ThrowIfNull(createSinks);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);

        string sourceName;
        var images = new List<Mat>(frames);
        try
        {
            using (IFrameSource src = openSource())
            {
                sourceName = src.Info.Name;
                while (images.Count < frames && src.Read(cancellationToken) is { } f)
                {
                    images.Add(f.Image);
                }
            }

            if (images.Count == 0)
            {
                throw new VisionTrackerException($"The source {sourceName} yielded no frames to benchmark.");
            }

            for (int i = 0; i < warmupFrames; i++)
            {
                detector.Detect(images[i % images.Count]);
            }

            detector.Timings.Reset();
            long t0 = Stopwatch.GetTimestamp();
            foreach (Mat m in images)
            {
                cancellationToken.ThrowIfCancellationRequested();
                detector.Detect(m);
            }

            double detectorSeconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            var (_, pre, infer, post) = detector.Timings.Snapshot();
            int n = images.Count;

            // Free the decoded frames before the pipeline phase so both phases see similar memory pressure.
            images.ForEach(m => m.Dispose());
            images.Clear();

            IReadOnlyList<IFrameSink> sinks = createSinks();
            PipelineStats stats;
            using (IFrameSource src = openSource())
            {
                var pipeline = new TrackingPipeline(src, detector, createTracker(), sinks: sinks, options: new PipelineOptions { MaxFrames = n });
                await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
                stats = pipeline.Stats;
            }

            foreach (IFrameSink s in sinks)
            {
                s.Dispose();
            }

            return new BenchmarkResult(
                sourceName,
                detector.Info.ModelName,
                n,
                stats.Decode.MeanMs,
                pre,
                infer,
                post,
                stats.Track.MeanMs,
                stats.Write.MeanMs,
                n / detectorSeconds,
                stats.FramesCompleted / stats.Elapsed.TotalSeconds,
                Environment.ProcessorCount);
        }
        finally
        {
            images.ForEach(m => m.Dispose());
        }
    }
}
