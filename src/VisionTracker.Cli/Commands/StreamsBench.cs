using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VisionTracker.Cli.Rendering;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>What one measurement (one process) of <c>vtrack bench --streams</c> reports.</summary>
/// <param name="Shape">batched or workers.</param>
/// <param name="Streams">Streams in the process.</param>
/// <param name="Frames">Frames completed over all streams.</param>
/// <param name="Seconds">Wall-clock seconds of the run (after model load and warm-up).</param>
/// <param name="StartUnixMs">When the run started (Unix ms), to line up concurrent processes.</param>
/// <param name="EndUnixMs">When it ended (Unix ms).</param>
/// <param name="PeakRssMb">Peak resident memory of the process (VmHWM), MB.</param>
/// <param name="MeanBatch">Mean frames per detector call.</param>
/// <param name="DecodeMs">Mean decode ms per frame.</param>
/// <param name="DetectMs">Mean detector ms per frame (a batch's time split over its frames).</param>
/// <param name="TrackMs">Mean tracking ms per frame.</param>
/// <param name="Threads">Intra-op threads per session.</param>
/// <param name="Provider">The execution provider in use.</param>
internal sealed record StreamsMeasurement(string Shape, int Streams, long Frames, double Seconds, long StartUnixMs, long EndUnixMs, double PeakRssMb, double MeanBatch, double DecodeMs, double DetectMs, double TrackMs, int Threads, string Provider);

/// <summary>One row of the <c>--streams</c> table: a shape at a stream count, from one or (processes) several measurements.</summary>
internal sealed record StreamsRow(string Shape, int Streams, double TotalFps, double PeakRssMb, double MeanBatch, double DecodeMs, double DetectMs, double TrackMs)
{
    public double FpsPerStream => TotalFps / Streams;
}

/// <summary>
/// <c>vtrack bench --streams 1,2,4</c>: total fps for N copies of one clip tracked in one process (one batched session,
/// or one 1-thread session per worker) against the same N streams each in its own process. Every measurement runs in
/// a fresh child process of vtrack, so peak memory is per configuration and nothing warms up across them.
/// </summary>
internal static class StreamsBench
{
    public const string Processes = "processes";

    public static readonly string[] AllShapes = ["batched", "workers", Processes];

    /// <summary>The parent: runs each configuration in child processes, prints the table, optionally writes JSON.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<int> counts, IReadOnlyList<string> shapes, string source, int frames, IReadOnlyList<string> detectorArgs, string? jsonPath, CancellationToken ct)
    {
        var rows = new List<StreamsRow>();
        string load = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct).ConfigureAwait(false)).Trim() : "n/a";
        Console.Error.WriteLine($"bench --streams: {Path.GetFileName(source)}, {frames} frames per stream, {Environment.ProcessorCount} cores, load average at start {load}");
        foreach (int n in counts)
        {
            foreach (string shape in shapes)
            {
                Console.Error.WriteLine($"  {n} stream(s), {shape}...");
                StreamsRow row;
                if (shape == Processes)
                {
                    int threads = Math.Max(1, Environment.ProcessorCount / n);
                    var children = Enumerable.Range(0, n).Select(_ => Child(1, "batched", source, frames, threads, detectorArgs, ct)).ToList();
                    var ms = await Task.WhenAll(children).ConfigureAwait(false);
                    double wall = (ms.Max(m => m.EndUnixMs) - ms.Min(m => m.StartUnixMs)) / 1000.0;
                    long total = ms.Sum(m => m.Frames);
                    row = new StreamsRow(shape, n, total / wall, ms.Sum(m => m.PeakRssMb), 1, ms.Average(m => m.DecodeMs), ms.Average(m => m.DetectMs), ms.Average(m => m.TrackMs));
                }
                else
                {
                    StreamsMeasurement m = await Child(n, shape, source, frames, null, detectorArgs, ct).ConfigureAwait(false);
                    row = new StreamsRow(shape, n, m.Frames / m.Seconds, m.PeakRssMb, m.MeanBatch, m.DecodeMs, m.DetectMs, m.TrackMs);
                }

                rows.Add(row);
            }
        }

        string loadEnd = File.Exists("/proc/loadavg") ? (await File.ReadAllTextAsync("/proc/loadavg", ct).ConfigureAwait(false)).Trim() : "n/a";
        Print(rows, load, loadEnd);
        if (jsonPath is not null)
        {
            var doc = new { source = Path.GetFileName(source), frames_per_stream = frames, cores = Environment.ProcessorCount, load_start = load, load_end = loadEnd, rows };
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }), ct).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    /// <summary>The child: N streams of the clip in this process, one JSON line on stdout.</summary>
    public static async Task<int> RunChildAsync(int n, string shape, string source, int frames, Func<int?, DetrDetectorOptions> detectorOptions, CancellationToken ct)
    {
        using EngineDetectors detectors = EngineDetectors.Create(shape, n, t => detectorOptions(t) with { Log = _ => { } });
        var sources = new List<IFrameSource>();
        try
        {
            var options = new FrameSourceOptions { EndFrame = frames };
            for (int i = 0; i < n; i++)
            {
                sources.Add(FrameSource.Open(source, options));
            }

            // Warm-up: ORT's first runs (and the first run at each batch size) are slow.
            using (IFrameSource warm = FrameSource.Open(source, options))
            using (Frame f = warm.Read(ct) ?? throw new VisionTrackerException($"{source} has no frames."))
            {
                foreach (DetrDetector d in detectors.All)
                {
                    for (int k = 0; k < 3; k++)
                    {
                        d.DetectBatch(Enumerable.Repeat(f.Image, shape == "batched" ? n : 1).ToList());
                    }
                }
            }

            var streams = sources.Select((s, i) => new PipelineStream(FormattableString.Invariant($"s{i}"), s, TrackerChoice.Create("attention"))).ToList();
            var engine = new TrackingEngine(streams, detectors.Workers, detectors.Options(PipelineMode.Offline, null));
            long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var clock = Stopwatch.StartNew();
            await engine.RunAsync(ct).ConfigureAwait(false);
            double seconds = clock.Elapsed.TotalSeconds;
            long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long done = streams.Sum(s => s.Stats.FramesCompleted);
            double Mean(Func<PipelineStats, StageStats> stage) => streams.Sum(s => stage(s.Stats).TotalMs) / Math.Max(1, done);
            var m = new StreamsMeasurement(shape, n, done, seconds, start, end, PeakRssMb(), engine.MeanBatchSize, Mean(s => s.Decode), Mean(s => s.Detect), Mean(s => s.Track), detectors.Threads, detectors.First.Info.ExecutionProvider);
            Console.WriteLine(JsonSerializer.Serialize(m));
            return ExitCodes.Ok;
        }
        finally
        {
            sources.ForEach(s => s.Dispose());
        }
    }

    private static async Task<StreamsMeasurement> Child(int n, string shape, string source, int frames, int? threads, IReadOnlyList<string> detectorArgs, CancellationToken ct)
    {
        var psi = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string apphost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "vtrack.exe" : "vtrack");
        if (File.Exists(apphost))
        {
            psi.FileName = apphost;
        }
        else
        {
            psi.FileName = "dotnet";
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vtrack.dll"));
        }

        foreach (string a in (string[])["bench", "--child", "--streams", n.ToString(CultureInfo.InvariantCulture), "--shapes", shape, "--source", source, "--frames", frames.ToString(CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(a);
        }

        if (threads is { } t && !detectorArgs.Contains("--threads"))
        {
            psi.ArgumentList.Add("--threads");
            psi.ArgumentList.Add(t.ToString(CultureInfo.InvariantCulture));
        }

        foreach (string a in detectorArgs)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new VisionTrackerException($"Cannot start {psi.FileName} for a bench child.");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = p.StandardError.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct).ConfigureAwait(false);
        string o = await stdout.ConfigureAwait(false);
        string e = await stderr.ConfigureAwait(false);
        string? line = o.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (p.ExitCode != 0 || line is null)
        {
            throw new VisionTrackerException($"bench child ({n} streams, {shape}) failed with exit code {p.ExitCode}: {e.Trim().Split('\n').LastOrDefault()}");
        }

        return JsonSerializer.Deserialize<StreamsMeasurement>(line) ?? throw new VisionTrackerException("bench child wrote no result.");
    }

    private static double PeakRssMb()
    {
        try
        {
            string? hwm = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (hwm is not null && long.TryParse(hwm[6..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb))
            {
                return kb / 1024.0;
            }
        }
        catch (IOException)
        {
        }

        return Environment.WorkingSet / 1048576.0;
    }

    private static void Print(List<StreamsRow> rows, string loadStart, string loadEnd)
    {
        var ic = CultureInfo.InvariantCulture;
        var t = new Table()
            .Title(Markup.Escape($"N streams: total fps, one process vs N processes ({Environment.ProcessorCount} cores; load {loadStart} → {loadEnd})"))
            .AddColumns("N", "shape", "fps", "fps/str", "vs proc", "batch", "dec ms", "det ms", "trk ms", "RSS MB");
        foreach (StreamsRow r in rows)
        {
            StreamsRow? sep = rows.FirstOrDefault(x => x.Streams == r.Streams && x.Shape == Processes);
            string vs = sep is null || sep.TotalFps <= 0 ? "-" : (r.TotalFps / sep.TotalFps).ToString("0.00x", ic);
            t.AddRow(
                r.Streams.ToString(ic),
                r.Shape,
                r.TotalFps.ToString("0.0", ic),
                r.FpsPerStream.ToString("0.0", ic),
                vs,
                r.MeanBatch.ToString("0.00", ic),
                r.DecodeMs.ToString("0.0", ic),
                r.DetectMs.ToString("0.0", ic),
                r.TrackMs.ToString("0.00", ic),
                r.PeakRssMb.ToString("0", ic));
        }

        Terminal.Out.Write(t);

        // The same rows as plain lines: narrow terminals and CI logs wrap the table.
        foreach (StreamsRow r in rows)
        {
            StreamsRow? sep = rows.FirstOrDefault(x => x.Streams == r.Streams && x.Shape == Processes);
            string vs = sep is null || sep.TotalFps <= 0 ? string.Empty : string.Create(ic, $", {r.TotalFps / sep.TotalFps:0.00}x processes");
            Console.WriteLine(string.Create(ic, $"{r.Streams} stream(s) {r.Shape}: {r.TotalFps:0.0} fps total, {r.FpsPerStream:0.0} per stream{vs}, {r.MeanBatch:0.00} frames/call, ms/frame decode {r.DecodeMs:0.0} detect {r.DetectMs:0.0} track {r.TrackMs:0.00}, peak RSS {r.PeakRssMb:0} MB"));
        }

        foreach (string shape in rows.Select(r => r.Shape).Distinct(StringComparer.Ordinal).Where(s => s != Processes))
        {
            var mine = rows.Where(r => r.Shape == shape).OrderBy(r => r.Streams).ToList();
            if (mine.Count >= 2)
            {
                double perStream = (mine[^1].PeakRssMb - mine[0].PeakRssMb) / (mine[^1].Streams - mine[0].Streams);
                Console.WriteLine(string.Create(ic, $"{shape}: peak RSS {perStream:+0;-0} MB per added stream ({mine[0].Streams} → {mine[^1].Streams} streams)"));
            }
        }

        var best = rows.GroupBy(r => r.Streams).Select(g => g.MaxBy(r => r.TotalFps)!).ToList();
        Console.WriteLine("fastest: " + string.Join(", ", best.Select(b => string.Create(ic, $"{b.Streams} stream(s) {b.Shape} {b.TotalFps:0.0} fps"))));
    }
}
