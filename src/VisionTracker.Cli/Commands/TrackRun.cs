using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>What a tracking run needs besides its source and sinks.</summary>
/// <param name="Source">The opened source's description (size is needed to place zones).</param>
/// <param name="DetectionsFile">A MOT det.txt to track instead of running the detector, or null.</param>
/// <param name="Reid">Use OSNet crop embeddings instead of the decoder tap.</param>
/// <param name="ZonesFile">Zones JSON, or null.</param>
/// <param name="Tracker">Tracker name (attention, iou).</param>
/// <param name="MaxFrames">Stop after this many frames, or null.</param>
/// <param name="Gmc">Compensate camera motion (<c>--gmc</c>).</param>
internal sealed record TrackRunSettings(FrameSourceInfo Source, string? DetectionsFile, bool Reid, string? ZonesFile, string Tracker, long? MaxFrames, bool Gmc = false);

/// <summary>
/// The detector (or detection file), optional re-ID model, tracker and zone monitor of one run, built from the
/// command line and shared by <c>track</c> and <c>live</c>. Disposing it releases the models.
/// </summary>
internal sealed class TrackRun : IDisposable
{
    private readonly DetrDetector? _detector;
    private readonly ReidEmbedder? _reid;
    private readonly Func<Frame, Detections> _detect;
    private readonly TrackRunSettings _settings;

    private TrackRun(TrackRunSettings settings, DetrDetector? detector, ReidEmbedder? reid, Func<Frame, Detections> detect, ZoneObserver? zones, IReadOnlyList<string> classNames, string description)
    {
        _settings = settings;
        _detector = detector;
        _reid = reid;
        _detect = detect;
        Zones = zones;
        ClassNames = classNames;
        DetectorDescription = description;
        Tracker = TrackerChoice.Create(settings.Tracker);
    }

    public ITracker Tracker { get; }

    public string TrackerName => _settings.Tracker;

    public ZoneObserver? Zones { get; }

    public RunSummary Summary { get; } = new();

    public IReadOnlyList<string> ClassNames { get; }

    public string DetectorDescription { get; }

    public IDetector? Detector => _detector;

    /// <summary>
    /// Builds the run. With <paramref name="shared"/> (the cluster worker), no model is loaded for this run: its frames
    /// go through the process's one engine (<see cref="CreateStream"/> and <see cref="SharedDetector.Engine"/>).
    /// </summary>
    public static TrackRun Create(TrackRunSettings settings, Func<DetrDetectorOptions> detectorOptions, SharedDetector? shared = null)
    {
        ZoneObserver? zones = settings.ZonesFile is { } zf
            ? new ZoneObserver(new ZoneMonitor(ZoneFile.Load(zf, settings.Source.Width, settings.Source.Height)))
            : null;
        if (settings.DetectionsFile is { } df)
        {
            if (settings.Reid)
            {
                throw new VisionTrackerException("--reid needs image crops from a detector run; it cannot be combined with --detections.");
            }

            var file = DetectionFile.Load(df);
            string scale = file.ScoresNormalized ? ", scores normalised to quantiles" : string.Empty;
            return new TrackRun(settings, null, null, file.AsDetector(), zones, CocoClasses.Names, $"detections from {Path.GetFileName(df)} ({file.FrameCount} frames{scale})");
        }

        if (shared is not null)
        {
            if (settings.Reid)
            {
                throw new VisionTrackerException("--reid is not available on cluster workers.");
            }

            var si = shared.Info;
            string sharedEmb = si.EmbeddingDim > 0 ? $"decoder embeddings D={si.EmbeddingDim}" : "no embeddings";
            return new TrackRun(settings, null, null, _ => throw new InvalidOperationException("A shared run's frames go through the shared engine (CreateStream)."), zones, si.ClassNames, $"{si.ModelName} {si.InputWidth}x{si.InputHeight} on {si.ExecutionProvider}, {sharedEmb} (shared)");
        }

        DetrDetector detector = new(detectorOptions());
        ReidEmbedder? reid = null;
        try
        {
            Func<Frame, Detections> detect = f => detector.Detect(f.Image);
            if (settings.Reid)
            {
                var store = new ModelStore(ModelManifest.LoadDefault());
                ResolvedModel m = store.Resolve("osnet-x0.25");
                reid = new ReidEmbedder(m.Path, m.Entry?.Preprocess);
                ReidEmbedder r = reid;
                detect = f => r.Embed(f.Image, detector.Detect(f.Image));
            }

            var i = detector.Info;
            string emb = reid is not null ? $"OSNet re-ID D={reid.Dimension}" : i.EmbeddingDim > 0 ? $"decoder embeddings D={i.EmbeddingDim}" : "no embeddings";
            string desc = $"{i.ModelName} {i.InputWidth}x{i.InputHeight} on {i.ExecutionProvider}, {emb}";
            return new TrackRun(settings, detector, reid, detect, zones, i.ClassNames, desc);
        }
        catch
        {
            reid?.Dispose();
            detector.Dispose();
            throw;
        }
    }

    public string ClassName(int id) => id >= 0 && id < ClassNames.Count ? ClassNames[id] : CocoClasses.NameOf(id);

    public TrackingPipeline CreatePipeline(IFrameSource source, IReadOnlyList<IFrameSink> sinks, PipelineMode mode, IReadOnlyList<IFrameObserver>? moreObservers = null) =>
        new(source, _detect, Tracker, [.. (Zones is null ? [] : new IFrameObserver[] { Zones }), .. moreObservers ?? []], sinks, new PipelineOptions { Mode = mode, MaxFrames = _settings.MaxFrames, CompensateCameraMotion = _settings.Gmc });

    /// <summary>This run as a stream of a hosted engine (the worker's shared one): its tracker, zones and sinks.</summary>
    public PipelineStream CreateStream(IFrameSource source, IReadOnlyList<IFrameSink> sinks, PipelineMode mode, IReadOnlyList<IFrameObserver>? moreObservers = null) =>
        new(source.Info.Name, source, Tracker, [.. (Zones is null ? [] : new IFrameObserver[] { Zones }), .. moreObservers ?? []], sinks)
        {
            MaxFrames = _settings.MaxFrames,
            Mode = mode,
            CompensateCameraMotion = _settings.Gmc,
        };

    public void Dispose()
    {
        _reid?.Dispose();
        _detector?.Dispose();
    }
}
