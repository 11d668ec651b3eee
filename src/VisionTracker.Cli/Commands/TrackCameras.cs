using System.Globalization;
using Spectre.Console;
using VisionTracker.Cli.Rendering;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>What <c>vtrack track --cameras FILE</c> runs.</summary>
/// <param name="CamerasFile">The cameras file.</param>
/// <param name="Out">Run folder (default runs/cameras-STEM-TIME); each camera writes to its "out" or RUN/NAME.</param>
/// <param name="Force">Write into existing folders.</param>
/// <param name="Exports">The exports each camera writes.</param>
/// <param name="Interpolate">Gap interpolation for the annotation exports.</param>
/// <param name="Tracker">Tracker name.</param>
/// <param name="Engine">Engine shape (batched, workers).</param>
/// <param name="MaxFrames">Frames per camera, or null.</param>
/// <param name="Gmc">Compensate camera motion on every camera (<c>--gmc</c>).</param>
/// <param name="Smooth">Temporal box smoothing of the annotation exports, sigma in seconds (<c>--smooth</c>; 0: off).</param>
internal sealed record TrackCamerasSettings(string CamerasFile, string? Out, bool Force, IReadOnlySet<string> Exports, int Interpolate, string Tracker, string Engine, long? MaxFrames, bool Gmc = false, double Smooth = VisionTracker.Annotations.TrackSmoothing.DefaultSigmaSeconds);

/// <summary>
/// <c>vtrack track --cameras FILE</c>: every camera (file, stream, sequence) of the file in one process, offline (no frame
/// dropped), one batched detector call per step, one tracker, zone monitor and set of exports per camera.
/// </summary>
internal static class TrackCameras
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(TrackCamerasSettings settings, Func<int?, DetrDetectorOptions> detectorOptions, CancellationToken cancellationToken)
    {
        IReadOnlyList<CameraEntry> cameras = CamerasFile.Load(settings.CamerasFile);
        var sourceOptions = new FrameSourceOptions { Warn = w => Console.Error.WriteLine($"warning: {w}") };
        using CameraStreams cams = CameraStreams.Open(cameras, sourceOptions, settings.Tracker, live: false);
        using EngineDetectors detectors = EngineDetectors.Create(settings.Engine, cameras.Count, detectorOptions);
        string runDir = OutputFolder.Prepare("cameras-" + OutputFolder.SafeName(settings.CamerasFile), settings.Out, settings.Force, DateTime.Now);
        var allSinks = new List<IFrameSink>();
        var streams = new List<PipelineStream>();
        var summaries = new List<RunSummary>();
        var outDirs = new List<string>();
        try
        {
            for (int i = 0; i < cameras.Count; i++)
            {
                CameraEntry c = cameras[i];
                string dir = c.Out ?? Path.Combine(runDir, c.Name);
                if (c.Out is not null)
                {
                    dir = OutputFolder.Prepare(c.Name, c.Out, settings.Force, DateTime.Now);
                }

                Directory.CreateDirectory(dir);
                var (sinks, _) = ExportSinks.Create(settings.Exports, dir, c.Name, cams.Sources[i].Info, detectors.First.Info.ClassNames, cams.Zones[i], settings.Interpolate, settings.Smooth);
                var summary = new RunSummary();
                sinks.Insert(0, summary);
                allSinks.AddRange(sinks);
                summaries.Add(summary);
                outDirs.Add(dir);
                streams.Add(cams.Stream(i, sinks));
            }

            var engine = new TrackingEngine(streams, detectors.Workers, detectors.Options(PipelineMode.Offline, settings.MaxFrames) with { CompensateCameraMotion = settings.Gmc });
            Task<bool> run = engine.RunAsync(cancellationToken);
            while (!run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(PlainInterval, CancellationToken.None)).ConfigureAwait(false);
                if (!run.IsCompleted)
                {
                    Console.WriteLine(string.Join("  ", streams.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Stats.FramesCompleted} ({s.Stats.Fps:0.0} fps)"))));
                }
            }

            bool finished = await run.ConfigureAwait(false);
            Print(engine, detectors, summaries, outDirs, finished);
            return finished ? ExitCodes.Ok : ExitCodes.Cancelled;
        }
        finally
        {
            foreach (IFrameSink s in allSinks)
            {
                s.Dispose();
            }
        }
    }

    private static void Print(TrackingEngine engine, EngineDetectors detectors, List<RunSummary> summaries, List<string> outDirs, bool finished)
    {
        var ic = CultureInfo.InvariantCulture;
        DetectorInfo info = detectors.First.Info;
        var table = new Table()
            .Title(Markup.Escape(string.Create(ic, $"{(finished ? "cameras" : "cameras (cancelled: outputs flushed)")}: {info.ModelName} on {info.ExecutionProvider}, {detectors.Shape}, {engine.Batches} detector calls, {engine.MeanBatchSize:0.00} frames per call")))
            .AddColumns("camera", "frames", "fps", "tracks", "events", "outputs");
        bool gmc = engine.Streams.Any(s => s.Stats.CameraMotion is not null);
        if (gmc)
        {
            table.AddColumn("gmc px/frame mean / max");
        }

        for (int i = 0; i < engine.Streams.Count; i++)
        {
            PipelineStream s = engine.Streams[i];
            RunSummary r = summaries[i];
            string tracks = string.Join(", ", r.TracksPerClass.OrderBy(kv => kv.Key).Select(kv => $"{CocoClasses.NameOf(kv.Key)} {kv.Value}"));
            string events = string.Join(", ", r.EventsPerKind.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
            string[] cells =
            [
                Markup.Escape(s.Name),
                r.Frames.ToString(ic),
                s.Stats.Fps.ToString("0.0", ic),
                Markup.Escape(tracks.Length == 0 ? "none" : tracks),
                Markup.Escape(events.Length == 0 ? "none" : events),
                Markup.Escape(outDirs[i]),
            ];
            table.AddRow(gmc ? [.. cells, Markup.Escape(GmcOption.DescribeShort(s.Stats))] : cells);
        }

        Terminal.Out.Write(table);
    }
}
