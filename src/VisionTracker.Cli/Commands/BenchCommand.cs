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
        var streams = new Option<string?>("--streams") { Description = "Comma-separated stream counts, e.g. 1,2,4: total fps of N copies of the clip in one process (each --shapes) against N separate processes." };
        var shapes = new Option<string>("--shapes") { Description = "With --streams: batched (one batched session), workers (one 1-thread session per core), processes (one process per stream).", DefaultValueFactory = _ => string.Join(",", StreamsBench.AllShapes) };
        var gmc = GmcOption.Create();
        var child = new Option<bool>("--child") { Description = "Internal: one --streams measurement in this process, printed as JSON.", Hidden = true };
        var cmd = new Command("bench", "Measure detector-only fps against full-pipeline fps on the same frames (or, with --streams, many streams in one process).") { source, frames, rounds, json, export, tracker, streams, shapes, child, gmc };
        det.AddTo(cmd, defaultConf: TrackDefaults.DetectionScore);
        cmd.SetHandler(async (p, ct) =>
        {
            string src = p.GetValue(source) ?? DataPaths.Find("videos", "bottle-detection.mp4")
                ?? throw new VisionTrackerException($"No --source given and bottle-detection.mp4 is not in {string.Join(", ", DataPaths.SearchFolders("videos"))}. Pass --source FILE or set {DataPaths.EnvironmentVariable}.");
            if (p.GetValue(streams) is { } streamList)
            {
                if (p.GetValue(gmc))
                {
                    throw new VisionTrackerException("--gmc is measured by the one-stream bench: drop --streams (or --gmc).");
                }

                var counts = ParseCounts(streamList);
                var shapeList = (p.GetValue(shapes) ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                if (shapeList.Count == 0 || shapeList.FirstOrDefault(s => !StreamsBench.AllShapes.Contains(s)) is { } bad)
                {
                    throw new VisionTrackerException($"Unknown --shapes '{p.GetValue(shapes)}'. Use a comma-separated list of {string.Join(", ", StreamsBench.AllShapes)}.");
                }

                int perStream = Math.Max(1, p.GetValue(frames));
                if (p.GetValue(child))
                {
                    return await StreamsBench.RunChildAsync(counts[0], shapeList[0], src, perStream, t => det.Build(p, threads: t), ct).ConfigureAwait(false);
                }

                return await StreamsBench.RunAsync(counts, shapeList, src, perStream, DetectorArgs(p, det), p.GetValue(json), ct).ConfigureAwait(false);
            }

            var exports = ExportSinks.Parse(p.GetValue(export) ?? string.Empty);
            string trackerName = p.GetValue(tracker) ?? "attention";
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
            BenchmarkResult r = await PipelineBenchmark.RunAsync(() => FrameSource.Open(src), detector, () => TrackerChoice.Create(trackerName), Sinks, p.GetValue(frames), p.GetValue(rounds), pipelineOptions: new PipelineOptions { CompensateCameraMotion = p.GetValue(gmc) }, cancellationToken: ct).ConfigureAwait(false);
            Print(r);
            if (p.GetValue(json) is { } path)
            {
                var doc = new
                {
                    r.Source, r.Model, r.Frames, r.Cores,
                    ms = new { decode = r.DecodeMs, pre = r.PreMs, infer = r.InferMs, post = r.PostMs, track = r.TrackMs, write = r.WriteMs, gmc = r.GmcMs },
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

    private static List<int> ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 64)
            {
                throw new VisionTrackerException($"--streams '{text}': give stream counts from 1 to 64, comma-separated, e.g. 1,2,4.");
            }

            counts.Add(n);
        }

        return counts.Count > 0 ? counts : throw new VisionTrackerException("--streams is empty: give stream counts, e.g. 1,2,4.");
    }

    // The detector options given on the command line, passed on to the child processes.
    private static List<string> DetectorArgs(ParseResult p, DetectorOptions det)
    {
        var args = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                args.Add(name);
                args.Add(value);
            }
        }

        Add("--model", p.GetValue(det.Model));
        Add("--device", p.GetValue(det.Device));
        Add("--conf", p.GetValue(det.Conf).ToString(CultureInfo.InvariantCulture));
        Add("--classes", p.GetValue(det.Classes));
        Add("--threads", p.GetValue(det.Threads)?.ToString(CultureInfo.InvariantCulture));
        if (p.GetValue(det.NoEmbeddings))
        {
            args.Add("--no-embeddings");
        }

        return args;
    }

    private static void Print(BenchmarkResult r)
    {
        var ic = CultureInfo.InvariantCulture;
        var t = new Table().Title($"{r.Model} on {r.Source}, {r.Frames} frames, {r.Cores} cores").AddColumns("stage", "ms/frame");
        foreach (var (name, ms) in new[] { ("decode", r.DecodeMs), ("pre", r.PreMs), ("infer", r.InferMs), ("post", r.PostMs), ("track", r.TrackMs), ("write", r.WriteMs) })
        {
            t.AddRow(name, ms.ToString("0.00", ic));
        }

        if (r.GmcMs is { } gmcMs)
        {
            t.AddRow("gmc", gmcMs.ToString("0.00", ic));
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
