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
/// <remarks>
/// The two phases are interleaved in rounds: each round runs the detector alone on a chunk of frames, then the
/// pipeline on the same chunk read from the source. On a shared, noisy machine the speed drifts by more than the
/// effect being measured; interleaving makes the drift hit both sides alike, and the totals are summed over rounds.
/// </remarks>
public static class PipelineBenchmark
{
    /// <summary>Runs both phases.</summary>
    /// <param name="openSource">Opens a fresh source positioned at its first frame (called twice).</param>
    /// <param name="detector">The detector, shared by both phases.</param>
    /// <param name="createTracker">Creates the tracker for the pipeline phase (one for the whole run).</param>
    /// <param name="createSinks">Creates the sinks for one pipeline round (the benchmark disposes them).</param>
    /// <param name="frames">Frames to measure in each phase.</param>
    /// <param name="rounds">Rounds the frames are split into (each runs both phases).</param>
    /// <param name="warmupFrames">Frames run through the detector before timing.</param>
    /// <param name="pipelineOptions">Options of the pipeline phase (for example camera-motion compensation), or null for the defaults.</param>
    /// <param name="cancellationToken">Stops the benchmark.</param>
    public static async Task<BenchmarkResult> RunAsync(
        Func<IFrameSource> openSource,
        IDetector detector,
        Func<ITracker> createTracker,
        Func<IReadOnlyList<IFrameSink>> createSinks,
        int frames,
        int rounds = 5,
        int warmupFrames = 5,
        PipelineOptions? pipelineOptions = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(openSource);
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(createTracker);
        ArgumentNullException.ThrowIfNull(createSinks);
        ArgumentOutOfRangeException.ThrowIfLessThan(frames, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);

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

            int n = images.Count;
            rounds = Math.Min(rounds, n);
            detector.Timings.Reset();
            ITracker tracker = createTracker();
            double detectorSeconds = 0, pipelineSeconds = 0;
            double decodeMs = 0, trackMs = 0, writeMs = 0, gmcMs = 0;
            long pipelineFrames = 0;
            using var source = new ChunkSource(openSource());
            for (int r = 0; r < rounds; r++)
            {
                int from = r * n / rounds, to = (r + 1) * n / rounds;
                long t0 = Stopwatch.GetTimestamp();
                for (int i = from; i < to; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    detector.Detect(images[i]);
                }

                detectorSeconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;

                source.Allow(to - from);
                IReadOnlyList<IFrameSink> sinks = createSinks();
                try
                {
                    var pipeline = new TrackingPipeline(source, detector, tracker, sinks: sinks, options: pipelineOptions);
                    await pipeline.RunAsync(cancellationToken).ConfigureAwait(false);
                    PipelineStats s = pipeline.Stats;
                    pipelineSeconds += s.Elapsed.TotalSeconds;
                    pipelineFrames += s.FramesCompleted;
                    decodeMs += s.Decode.TotalMs;
                    trackMs += s.Track.TotalMs;
                    writeMs += s.Write.TotalMs;
                    gmcMs += s.CameraMotion?.Estimate.TotalMs ?? 0;
                }
                finally
                {
                    foreach (IFrameSink s in sinks)
                    {
                        s.Dispose();
                    }
                }
            }

            // Detector stage times cover both phases: the same detector ran every frame of each.
            var (_, pre, infer, post) = detector.Timings.Snapshot();
            double perFrame = pipelineFrames == 0 ? 0 : 1.0 / pipelineFrames;
            return new BenchmarkResult(
                sourceName,
                detector.Info.ModelName,
                n,
                decodeMs * perFrame,
                pre,
                infer,
                post,
                trackMs * perFrame,
                writeMs * perFrame,
                n / detectorSeconds,
                pipelineFrames / pipelineSeconds,
                Environment.ProcessorCount)
            {
                GmcMs = pipelineOptions?.CompensateCameraMotion == true ? gmcMs * perFrame : null,
            };
        }
        finally
        {
            images.ForEach(m => m.Dispose());
        }
    }

    /// <summary>Yields the underlying source's frames in chunks: after <see cref="Allow"/>(k), k frames, then end of stream.</summary>
    private sealed class ChunkSource(IFrameSource inner) : IFrameSource
    {
        private int _left;

        public FrameSourceInfo Info => inner.Info;

        public void Allow(int frames) => _left = frames;

        public Frame? Read(CancellationToken cancellationToken = default)
        {
            if (_left <= 0)
            {
                return null;
            }

            _left--;
            return inner.Read(cancellationToken);
        }

        public void Dispose() => inner.Dispose();
    }
}
