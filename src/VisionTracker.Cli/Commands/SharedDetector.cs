using OpenCvSharp;
using VisionTracker.Detection;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// One detector for a whole worker process: loaded on first use and kept for every job and camera the worker runs,
/// so the model is loaded once per process instead of once per job. The detector is not thread-safe, so the slots'
/// calls take turns (one frame per call, exactly as a single-stream run makes them, so results are unchanged).
/// </summary>
internal sealed class SharedDetector(Func<DetrDetectorOptions> options, Action<string> log) : IDisposable
{
    private readonly Lock _gate = new();
    private DetrDetector? _detector;
    private int _loads;

    /// <summary>How many times the model was loaded (1 after the first job, whatever the number of jobs).</summary>
    public int Loads => Volatile.Read(ref _loads);

    /// <summary>The detector, loaded on the first call.</summary>
    public DetrDetector Detector
    {
        get
        {
            lock (_gate)
            {
                if (_detector is null)
                {
                    _detector = new DetrDetector(options());
                    int n = Interlocked.Increment(ref _loads);
                    var i = _detector.Info;
                    log($"model loaded ({n} time(s) in this process): {i.ModelName} {i.InputWidth}x{i.InputHeight} on {i.ExecutionProvider}, shared by all slots");
                }

                return _detector;
            }
        }
    }

    /// <summary>Detects in one image, waiting for the other slots' calls to finish.</summary>
    public Detections Detect(Mat bgrImage)
    {
        DetrDetector d = Detector;
        lock (_gate)
        {
            return d.Detect(bgrImage);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _detector?.Dispose();
            _detector = null;
        }
    }
}
