using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;
using VisionTracker.Tracking;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// The per-camera half of a multi-camera run (<c>--cameras</c>): each camera's opened source, tracker, zone monitor and
/// class filter. Disposing it closes the sources.
/// </summary>
internal sealed class CameraStreams : IDisposable
{
    private readonly List<IFrameSource> _sources = [];

    private CameraStreams(IReadOnlyList<CameraEntry> cameras) => Cameras = cameras;

    public IReadOnlyList<CameraEntry> Cameras { get; }

    public IReadOnlyList<IFrameSource> Sources => _sources;

    public List<ITracker> Trackers { get; } = [];

    public List<ZoneObserver?> Zones { get; } = [];

    public List<IReadOnlySet<int>?> ClassFilters { get; } = [];

    /// <summary>Opens every camera's source and builds its tracker and zones; the first failure names the camera.</summary>
    public static CameraStreams Open(IReadOnlyList<CameraEntry> cameras, FrameSourceOptions sourceOptions, string tracker, bool live)
    {
        var s = new CameraStreams(cameras);
        try
        {
            foreach (CameraEntry c in cameras)
            {
                try
                {
                    IFrameSource src = FrameSource.Open(c.Source, sourceOptions);
                    s._sources.Add(c.Realtime && live ? new RealtimeSource(src) : src);
                    FrameSourceInfo info = src.Info;
                    s.Zones.Add(c.Zones is { } zf ? new ZoneObserver(new ZoneMonitor(ZoneFile.Load(zf, info.Width, info.Height))) : null);
                    s.ClassFilters.Add(DetectorOptions.ParseClasses(c.Classes));
                    s.Trackers.Add(TrackerChoice.Create(tracker));
                }
                catch (VisionTrackerException ex)
                {
                    throw new VisionTrackerException($"camera '{c.Name}': {ex.Message}", ex);
                }
            }

            return s;
        }
        catch
        {
            s.Dispose();
            throw;
        }
    }

    /// <summary>Camera <paramref name="i"/> as an engine stream with <paramref name="sinks"/>.</summary>
    public PipelineStream Stream(int i, IReadOnlyList<IFrameSink> sinks) =>
        new(Cameras[i].Name, _sources[i], Trackers[i], Zones[i] is { } z ? [z] : [], sinks, ClassFilters[i]);

    public void Dispose()
    {
        foreach (IFrameSource src in _sources)
        {
            src.Dispose();
        }
    }
}

/// <summary>
/// The detector half of a multi-stream run, in one of the engine shapes measured by <c>vtrack bench --streams</c>:
/// <c>batched</c> (one session, one batched call over the ready frames) or <c>workers</c> (one 1-thread session per
/// worker, each detecting one frame at a time). Disposing it releases the sessions.
/// </summary>
internal sealed class EngineDetectors : IDisposable
{
    /// <summary>The shapes one process can take.</summary>
    public static readonly string[] Shapes = ["batched", "workers"];

    private readonly List<DetrDetector> _detectors = [];

    private EngineDetectors(string shape) => Shape = shape;

    public string Shape { get; }

    public IReadOnlyList<BatchDetector> Workers { get; private set; } = [];

    public DetrDetector First => _detectors[0];

    public IReadOnlyList<DetrDetector> All => _detectors;

    /// <summary>Intra-op threads per session.</summary>
    public int Threads { get; private set; }

    /// <summary>
    /// Builds the detectors for <paramref name="shape"/> (batched, workers, or auto: workers on cpu, batched on a GPU);
    /// <paramref name="options"/> gets the intra-op thread count to use (null: as configured).
    /// </summary>
    public static EngineDetectors Create(string shape, int streams, Func<int?, DetrDetectorOptions> options)
    {
        if (shape == EngineOption.Default)
        {
            shape = options(null).ExecutionProvider.StartsWith("cpu", StringComparison.OrdinalIgnoreCase) ? "workers" : "batched";
        }

        var e = new EngineDetectors(shape);
        try
        {
            switch (shape)
            {
                case "batched":
                    e._detectors.Add(new DetrDetector(options(null)));
                    break;
                case "workers":
                    for (int i = 0; i < Math.Clamp(streams, 1, Environment.ProcessorCount); i++)
                    {
                        e._detectors.Add(new DetrDetector(options(1)));
                    }

                    break;
                default:
                    throw new VisionTrackerException($"Unknown engine shape '{shape}'. Use {string.Join(", ", Shapes)} or auto.");
            }

            e.Workers = e._detectors.Select(Batch).ToArray();
            e.Threads = shape == "workers" ? options(1).IntraOpThreads : options(null).IntraOpThreads;
            return e;
        }
        catch
        {
            e.Dispose();
            throw;
        }
    }

    /// <summary>The pipeline options for this shape (workers take one frame per call, without waiting).</summary>
    public PipelineOptions Options(PipelineMode mode, long? maxFrames) => Shape == "workers"
        ? new PipelineOptions { Mode = mode, MaxFrames = maxFrames, MaxBatch = 1, BatchWait = TimeSpan.Zero }
        : new PipelineOptions { Mode = mode, MaxFrames = maxFrames };

    public void Dispose()
    {
        foreach (DetrDetector d in _detectors)
        {
            d.Dispose();
        }
    }

    // One batched call per step; the lists are reused (the engine calls one worker from one thread at a time).
    private static BatchDetector Batch(DetrDetector detector)
    {
        var images = new List<OpenCvSharp.Mat>();
        var filters = new List<IReadOnlySet<int>?>();
        return (frames, streams) =>
        {
            images.Clear();
            filters.Clear();
            for (int i = 0; i < frames.Count; i++)
            {
                images.Add(frames[i].Image);
                filters.Add(streams[i].ClassFilter);
            }

            return detector.DetectBatch(images, filters);
        };
    }
}
