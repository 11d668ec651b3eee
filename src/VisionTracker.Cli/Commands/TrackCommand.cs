using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VisionTracker.Annotations;
using VisionTracker.Cli.Rendering;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack track SOURCE</c>: detect, track, monitor zones and export, offline, with a progress bar and a summary.
/// </summary>
internal static class TrackCommand
{
    public static Command Create()
    {
        var source = new Argument<string?>("source") { Description = SourceHelp.Text + " Omit it with --cameras.", Arity = ArgumentArity.ZeroOrOne };
        var cameras = new Option<string?>("--cameras") { Description = "Cameras file (JSON, see samples/cameras.json): track every source it names in this one process, one batched detector call per step." };
        var engine = EngineOption.Create();
        var det = new DetectorOptions();
        var tracker = TrackerChoice.CreateOption();
        var detections = new Option<string?>("--detections") { Description = "Track the rows of a MOTChallenge det.txt instead of running a detector (frames 1-based; scores outside [0, 1] become quantiles). A file from --export detections replays exactly: its class column and, for the attention tracker, the embeddings in the FILE.emb sidecar beside it are read too; without the sidecar the attention tracker matches on geometry only." };
        var reid = new Option<bool>("--reid") { Description = "Use OSNet re-ID embeddings of person crops (osnet-x0.25) instead of the detector's decoder embeddings." };
        var zones = new Option<string?>("--zones") { Description = "Zones file (JSON) for shelf counts and taken/returned/empty/restocked/dwell events." };
        var output = new Option<string?>("--out") { Description = "Output folder (default: runs/SOURCE-TIME)." };
        var force = new Option<bool>("--force") { Description = "Write into --out even if it already holds a run." };
        var export = new Option<string>("--export") { Description = "Comma-separated outputs: mot, cvat, coco, events, video, detections (NAME.det.txt: exactly the rows the tracker received, MOT det layout frame,-1,x,y,w,h,score,class,-1,-1 with round-trip numbers, plus NAME.det.txt.emb with their embeddings; replay with --detections).", DefaultValueFactory = _ => "mot,cvat,coco,events,video" };
        var interpolate = new Option<int>("--interpolate") { Description = "Fill track gaps up to N frames in the annotation exports (0: off).", DefaultValueFactory = _ => 0 };
        var smooth = new Option<double>("--smooth") { Description = "Smooth each track's boxes over time in the mot/cvat/coco exports: Gaussian sigma in seconds (0: the tracker's boxes as they were output; the live outputs, events and annotated video are never smoothed).", DefaultValueFactory = _ => TrackSmoothing.DefaultSigmaSeconds };
        var frames = new Option<long?>("--frames") { Description = "Stop after this many frames." };
        var memoryLog = new Option<string?>("--memory-log") { Description = "Write resident memory every 50 frames to this CSV (frames,bytes) at the end of the run." };
        var stdinStop = StdinStop.CreateOption();
        var gmc = GmcOption.Create();
        var loop = new Option<int>("--loop") { Description = "Play a file or sequence N times in a row (soak runs; memory is reported in the summary).", DefaultValueFactory = _ => 1 };
        var cmd = new Command("track", "Detect and track objects in a source, monitor zones, and export the tracks.")
        {
            source, tracker, detections, reid, zones, output, force, export, interpolate, smooth, frames, loop, memoryLog, stdinStop, cameras, engine, gmc,
        };
        det.AddTo(cmd, defaultConf: TrackDefaults.DetectionScore);
        cmd.SetHandler(async (p, ct) =>
        {
            var exports = ExportSinks.Parse(p.GetValue(export) ?? string.Empty);
            double smoothSeconds = ExportSinks.CheckSmoothSeconds(p.GetValue(smooth));

            if (p.GetValue(interpolate) < 0)
            {
                throw new VisionTrackerException($"--interpolate {p.GetValue(interpolate)}: give 0 (off) or more frames.");
            }

            if (p.GetValue(cameras) is { } camerasFile)
            {
                if (p.GetValue(source) is not null || p.GetValue(detections) is not null || p.GetValue(reid) || p.GetValue(zones) is not null || p.GetValue(loop) != 1)
                {
                    throw new VisionTrackerException("--cameras names the sources, zones and classes itself: drop SOURCE, --zones, --detections, --reid and --loop.");
                }

                var settings = new TrackCamerasSettings(camerasFile, p.GetValue(output), p.GetValue(force), exports, p.GetValue(interpolate), p.GetValue(tracker) ?? "attention", p.GetValue(engine) ?? EngineOption.Default, p.GetValue(frames), p.GetValue(gmc), smoothSeconds);
                using CancellationTokenSource stopMany = StdinStop.Link(p.GetValue(stdinStop), ct);
                return await TrackCameras.RunAsync(settings, t => det.Build(p, threads: t), stopMany.Token).ConfigureAwait(false);
            }

            string spec = p.GetValue(source) ?? throw new VisionTrackerException("Required argument missing: source (a video file, camera index, URL or sequence folder), or --cameras FILE. See vtrack track --help.");
            var sourceOptions = new FrameSourceOptions { Warn = w => Console.Error.WriteLine($"warning: {w}") };
            int passes = p.GetValue(loop);
            if (passes < 1)
            {
                throw new VisionTrackerException($"--loop {passes}: give 1 or more passes.");
            }

            using IFrameSource src = passes == 1 ? FrameSource.Open(spec, sourceOptions) : new LoopSource(() => FrameSource.Open(spec, sourceOptions), passes);
            FrameSourceInfo info = src.Info;
            using var run = TrackRun.Create(
                new TrackRunSettings(info, p.GetValue(detections), p.GetValue(reid), p.GetValue(zones), p.GetValue(tracker) ?? "attention", p.GetValue(frames), p.GetValue(gmc)),
                () => det.Build(p));

            string outDir = OutputFolder.Prepare(spec, p.GetValue(output), p.GetValue(force), DateTime.Now);
            var memory = new MemorySampler();
            var (sinks, files) = ExportSinks.Create(exports, outDir, OutputFolder.SafeName(spec), info, run.ClassNames, run.Zones, p.GetValue(interpolate), smoothSeconds);
            sinks.InsertRange(0, [run.Summary, memory]);
            using CancellationTokenSource stop = StdinStop.Link(p.GetValue(stdinStop), ct);
            ct = stop.Token;
            try
            {
                var pipeline = run.CreatePipeline(src, sinks, PipelineMode.Offline);
                long? total = p.GetValue(frames) is { } f ? Math.Min(f, info.FrameCount ?? f) : info.FrameCount;
                bool finished = await PipelineProgress.RunAsync(pipeline, total, info.Name, () => pipeline.RunAsync(ct)).ConfigureAwait(false);
                PrintSummary(info, run, pipeline.Stats, memory, files, outDir, finished, sinks.OfType<AnnotatedVideoSink>().FirstOrDefault()?.Encoder, exports.Overlaps(["mot", "cvat", "coco"]) ? smoothSeconds : null);
                if (p.GetValue(memoryLog) is { } log)
                {
                    File.WriteAllLines(log, ["frames,bytes", .. memory.Samples.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Frame},{m.Bytes}"))]);
                }

                return finished ? ExitCodes.Ok : ExitCodes.Cancelled;
            }
            finally
            {
                foreach (var s in sinks)
                {
                    s.Dispose();
                }
            }
        });
        return cmd;
    }

    private static void PrintSummary(FrameSourceInfo info, TrackRun run, PipelineStats stats, MemorySampler memory, List<string> files, string outDir, bool finished, string? videoEncoder, double? smoothSeconds)
    {
        var ic = CultureInfo.InvariantCulture;
        var table = new Table().Title(finished ? "run summary" : "run summary (cancelled: outputs flushed)").AddColumns("", "").HideHeaders();
        table.AddRow("source", Markup.Escape($"{info.Name} ({info.Width}x{info.Height}, {info.Fps.ToString("0.##", ic)} fps)"));
        table.AddRow("detector", Markup.Escape(run.DetectorDescription));
        table.AddRow("tracker", Markup.Escape(run.TrackerName));
        table.AddRow("frames", run.Summary.Frames.ToString(ic));
        table.AddRow("time", stats.Elapsed.TotalSeconds.ToString("0.0 s", ic));
        table.AddRow("fps", stats.Fps.ToString("0.0", ic));
        table.AddRow("ms/frame", Markup.Escape(string.Create(ic, $"decode {stats.Decode.MeanMs:0.0}, detect {stats.Detect.MeanMs:0.0}, track {stats.Track.MeanMs:0.00}, write {stats.Write.MeanMs:0.0}")));
        if (memory.Samples.Count >= 2)
        {
            // Warm-up: the first tenth of the run (at least 100 frames), while ORT and the encoders size their buffers.
            long warm = Math.Max(100, run.Summary.Frames / 10);
            var after = memory.Samples.Where(m => m.Frame >= warm).ToList();
            if (after.Count >= 2)
            {
                table.AddRow("memory", Markup.Escape(string.Create(ic, $"{after[0].Bytes / 1048576.0:0} MB after {after[0].Frame} frames, max {after.Max(m => m.Bytes) / 1048576.0:0} MB, end {after[^1].Bytes / 1048576.0:0} MB ({memory.GrowthAfter(warm):+0.0%;-0.0%} after warm-up)")));
            }
        }

        table.AddRow("gmc", Markup.Escape(GmcOption.Describe(stats)));
        table.AddRow("malloc", Markup.Escape(MallocArenaLimit.Describe()));
        table.AddRow("gc", Markup.Escape(MallocArenaLimit.DescribeGen0()));
        if (videoEncoder is not null)
        {
            table.AddRow("video", Markup.Escape(videoEncoder));
        }

        if (smoothSeconds is { } sigma)
        {
            table.AddRow("boxes", Markup.Escape(sigma > 0 && info.Fps > 0
                ? string.Create(ic, $"exports smoothed over time (Gaussian sigma {sigma:0.###} s; --smooth 0: as tracked)")
                : "exports as tracked (not smoothed)"));
        }

        string tracks = string.Join(", ", run.Summary.TracksPerClass.OrderBy(kv => kv.Key).Select(kv => $"{run.ClassName(kv.Key)} {kv.Value}"));
        table.AddRow("tracks", Markup.Escape(tracks.Length == 0 ? "none" : tracks));
        string events = string.Join(", ", run.Summary.EventsPerKind.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
        table.AddRow("events", Markup.Escape(events.Length == 0 ? (run.Zones is null ? "none (no --zones)" : "none") : events));
        string fileLabel = "files";
        foreach (string f in files.Where(File.Exists))
        {
            table.AddRow(fileLabel, Markup.Escape($"{f}  {new FileInfo(f).Length.ToString("N0", ic)} bytes"));
            fileLabel = string.Empty;
        }

        if (run.Zones is { } z)
        {
            foreach (ZoneSnapshot s in z.Snapshot)
            {
                table.AddRow("zone", Markup.Escape(s.Label));
            }
        }

        Terminal.Out.Write(table);
        if (!PipelineProgress.Interactive)
        {
            Console.WriteLine($"outputs in {outDir}");
        }
    }
}
