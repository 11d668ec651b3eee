using VisionTracker.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VisionTracker.Data;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack bench</c>: the detector alone on frames decoded in advance, then the full pipeline on the same frames,
/// in one process; prints ms per stage, both fps figures and their ratio, and optionally writes JSON.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "Source to measure on (default: bottle-detection.mp4 from the data folders): " + SourceHelp.Text };
        var frames = new Option<int>("--frames") { Description = "Frames per phase.", DefaultValueFactory = _ => 300 };
        var rounds = new Option<int>("--rounds") { Description = "Interleave detector-only and pipeline runs in this many rounds (evens out machine drift).", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file." };
        var export = new Option<string>("--export") { Description = "Outputs the pipeline phase writes (as vtrack track --export).", DefaultValueFactory = _ => "mot,cvat,coco,events,video" };
        var det = new DetectorOptions();
        var tracker = TrackerChoice.CreateOption();
        var cmd = new Command("bench", "Measure detector-only fps against full-pipeline fps on the same frames.") { source, frames, rounds, json, export, tracker };
        det.AddTo(cmd, defaultConf: TrackDefaults.DetectionScore);
        cmd.SetHandler(async (p, ct) =>
        {
            string src = p.GetValue(source) ?? DataPaths.Find("videos", "bottle-detection.mp4")
                ?? throw new VisionTrackerException($"No --source given and bottle-detection.mp4 is not in {string.Join(", ", DataPaths.SearchFolders("videos"))}. Pass --source FILE or set {DataPaths.EnvironmentVariable}.");
            var exports = ExportSinks.Parse(p.GetValue(export) ?? string.Empty);
            using var detector = new DetrDetector(det.Build(p));
            using var tmp = new TempFolder();
            FrameSourceInfo info;
            using (var probe = FrameSource.Open(src))
            {
                info = probe.Info;
            }

            int round = 0;
            IReadOnlyList<IFrameSink> Sinks() => ExportSinks.Create(exports, tmp.Path, FormattableString.Invariant($"bench{round++}"), info, detector.Info.ClassNames).Sinks;

            Console.Error.WriteLine($"bench: {Path.GetFileName(src)}, {p.GetValue(frames)} frames per phase, {detector.Info.ModelName} on {detector.Info.ExecutionProvider}...");
            BenchmarkResult r = await PipelineBenchmark.RunAsync(() => FrameSource.Open(src), detector, () => TrackerChoice.Create(p.GetValue(tracker) ?? "attention"), Sinks, p.GetValue(frames), p.GetValue(rounds), cancellationToken: ct).ConfigureAwait(false);
            Print(r);
            if (p.GetValue(json) is { } path)
            {
                var doc = new
                {
                    r.Source, r.Model, r.Frames, r.Cores,
                    ms = new { decode = r.DecodeMs, pre = r.PreMs, infer = r.InferMs, post = r.PostMs, track = r.TrackMs, write = r.WriteMs },
                    detector_only_fps = r.DetectorOnlyFps,
                    pipeline_fps = r.PipelineFps,
                    ratio = r.Ratio,
                    exports = exports.Order().ToArray(),
                };
                File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Print(BenchmarkResult r)
    {
        var ic = CultureInfo.InvariantCulture;
        var t = new Table().Title($"{r.Model} on {r.Source}, {r.Frames} frames, {r.Cores} cores").AddColumns("stage", "ms/frame");
        foreach (var (name, ms) in new[] { ("decode", r.DecodeMs), ("pre", r.PreMs), ("infer", r.InferMs), ("post", r.PostMs), ("track", r.TrackMs), ("write", r.WriteMs) })
        {
            t.AddRow(name, ms.ToString("0.00", ic));
        }

        t.AddRow("detector-only fps", r.DetectorOnlyFps.ToString("0.0", ic));
        t.AddRow("pipeline fps", r.PipelineFps.ToString("0.0", ic));
        t.AddRow("ratio", r.Ratio.ToString("0.00", ic));
        Terminal.Out.Write(t);
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("vtrack-bench-").FullName;

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
