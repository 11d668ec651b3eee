using VisionTracker.Detection;
using VisionTracker.Pipeline;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// One detector stage for a whole worker process: the model's sessions (<see cref="EngineDetectors"/>, shaped by
/// <c>--engine</c> as in <c>vtrack track --cameras</c>) and one hosted <see cref="TrackingEngine"/>, made on first use
/// and kept for every job and camera the worker runs. Each job or camera joins the engine as a stream of its own
/// (tracker, zones, sinks, cancellation) and leaves when it ends; streams running at the same time share the
/// detector calls (batched, or spread over 1-thread sessions with <c>workers</c>).
/// </summary>
internal sealed class SharedDetector(string engine, int streams, Func<int?, DetrDetectorOptions> options, Action<string> log) : IDisposable
{
    private readonly Lock _gate = new();
    private EngineDetectors? _detectors;
    private TrackingEngine? _engine;
    private int _loads;

    /// <summary>How many times the model was loaded (1 after the first job, whatever the number of jobs).</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>The first session's description (model, input size, provider, class names).</summary>
    public DetectorInfo Info => Load().Detectors.First.Info;

    /// <summary>The process's engine, started on the first call.</summary>
    public TrackingEngine Engine => Load().Engine;

    public void Dispose()
    {
        TrackingEngine? engine;
        EngineDetectors? detectors;
        lock (_gate)
        {
            (engine, detectors) = (_engine, _detectors);
            (_engine, _detectors) = (null, null);
        }

        // The worker has ended every job and camera by now; this only stops the detector stage.
        engine?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        detectors?.Dispose();
    }

    private (EngineDetectors Detectors, TrackingEngine Engine) Load()
    {
        lock (_gate)
        {
            if (_detectors is null || _engine is null)
            {
                _detectors = EngineDetectors.Create(engine, streams, options);
                _engine = new TrackingEngine(_detectors.Workers, _detectors.Options(PipelineMode.Offline, null));
                int n = Interlocked.Increment(ref _loads);
                var i = _detectors.First.Info;
                log($"model loaded ({n} time(s) in this process): {i.ModelName} {i.InputWidth}x{i.InputHeight} on {i.ExecutionProvider}, engine {_detectors.Shape} ({_detectors.All.Count} session(s), {_detectors.Threads} thread(s) each), shared by all slots");
            }

            return (_detectors, _engine);
        }
    }
}
