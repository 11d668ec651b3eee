using VisionTracker.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VisionTracker.Annotations;
using VisionTracker.Evaluation;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack eval --gt DIR --pred DIR</c>: HOTA, CLEAR and Identity, matching TrackEval. With several <c>--pred</c>
/// runs it scores each against the same ground truth and prints one comparison table (as TrackEval's summary does
/// for several trackers).
/// </summary>
internal static class EvalCommand
{
    /// <summary>The columns of the comparison table, in order (TrackEval summary names).</summary>
    internal static readonly string[] CompareCols = ["HOTA", "DetA", "AssA", "MOTA", "IDF1", "IDSW"];

    private static readonly string[] HotaCols = ["HOTA", "DetA", "AssA", "LocA"];
    private static readonly string[] ClearCols = ["MOTA", "MOTP", "IDSW", "Frag", "MT", "PT", "ML", "CLR_FP", "CLR_FN"];
    private static readonly string[] IdCols = ["IDF1", "IDP", "IDR"];

    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "Ground truth: a MOT sequence folder, a folder of sequences, or a TrackEval gt folder (gt/<BENCH>-train).", Required = true };
        var pred = new Option<string[]>("--pred")
        {
            Description = "Predictions: a folder holding <SEQ>.txt (or data/<SEQ>.txt) in MOT format. Repeat it to compare runs in one table; NAME=DIR names a run (default: the folder's name).",
            Required = true,
        };
        var metrics = new Option<string>("--metrics") { Description = "Comma-separated metric families: hota, clear, identity.", DefaultValueFactory = _ => "hota,clear,identity" };
        var json = new Option<string?>("--json") { Description = "Write all results as JSON to this file." };
        var bench = new Option<string>("--benchmark") { Description = "Preprocessing: mot15 (none), mot17 (distractor removal), multiclass (per class + ALL) or auto.", DefaultValueFactory = _ => "auto" };
        bench.AcceptOnlyFromAmong("auto", "mot15", "mot17", "multiclass");
        var cmd = new Command("eval", "Score tracker output against ground truth (HOTA, CLEAR, Identity; numbers match TrackEval).") { gt, pred, metrics, json, bench };
        cmd.SetHandler(p =>
        {
            var set = p.GetValue(metrics)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet();
            var unknown = set.Except(["hota", "clear", "identity"]).ToList();
            if (unknown.Count > 0 || set.Count == 0)
            {
                throw new VisionTrackerException($"--metrics: unknown '{string.Join(",", unknown)}'; use any of hota, clear, identity.");
            }

            var options = new EvalOptions
            {
                Benchmark = p.GetValue(bench) switch
                {
                    "mot15" => EvalBenchmark.Mot15,
                    "mot17" => EvalBenchmark.Mot17,
                    "multiclass" => EvalBenchmark.MultiClass,
                    _ => EvalBenchmark.Auto,
                },
                Hota = set.Contains("hota"),
                Clear = set.Contains("clear"),
                Identity = set.Contains("identity"),
            };

            var runs = NameRuns(p.GetRequiredValue(pred));
            string gtDir = p.GetRequiredValue(gt);
            var reports = runs.Select(r => (r.Name, Report: MotEvaluator.EvaluateFolders(gtDir, r.Dir, options))).ToList();
            object doc;
            if (reports.Count == 1)
            {
                foreach (var (cls, rows) in reports[0].Report.Classes)
                {
                    Print(cls, rows);
                }

                doc = JsonDoc(reports[0].Report);
            }
            else
            {
                PrintComparison(reports);
                doc = new Dictionary<string, object> { ["runs"] = reports.ToDictionary(r => r.Name, r => JsonDoc(r.Report)) };
            }

            if (p.GetValue(json) is { } jsonPath)
            {
                AtomicFile.Write(jsonPath, s => JsonSerializer.Serialize(s, doc, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {jsonPath}");
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>
    /// Names each <c>--pred</c> value: <c>NAME=DIR</c> when it is not itself an existing folder, else the folder's name
    /// (its parent's for a TrackEval <c>data</c> folder). Two runs with one name are a user mistake.
    /// </summary>
    internal static IReadOnlyList<(string Name, string Dir)> NameRuns(IReadOnlyList<string> values)
    {
        var runs = new List<(string Name, string Dir)>();
        foreach (string v in values)
        {
            int eq = v.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && !Directory.Exists(v))
            {
                runs.Add((v[..eq], v[(eq + 1)..]));
                continue;
            }

            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(v));
            string name = Path.GetFileName(full);
            if (name == "data" && Path.GetDirectoryName(full) is { } parent)
            {
                name = Path.GetFileName(parent);
            }

            runs.Add((name, v));
        }

        var dup = runs.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new VisionTrackerException($"--pred: two runs are named '{dup.Key}' ({string.Join(", ", dup.Select(d => d.Dir))}); name them with NAME=DIR.");
        }

        return runs;
    }

    /// <summary>
    /// The comparison table's rows: per class, per sequence (COMBINED_SEQ last), per run in the order given, the
    /// <see cref="CompareCols"/> that were computed. The numbers are each run's own single-run summary.
    /// </summary>
    internal static IReadOnlyList<(string Class, string Sequence, string Run, IReadOnlyDictionary<string, double> Values)> ComparisonRows(
        IReadOnlyList<(string Name, EvalReport Report)> reports)
    {
        var rows = new List<(string, string, string, IReadOnlyDictionary<string, double>)>();
        var classes = reports.SelectMany(r => r.Report.Classes.Keys).Distinct(StringComparer.Ordinal).ToList();
        foreach (string cls in classes)
        {
            var seqs = reports.SelectMany(r => r.Report.Classes.GetValueOrDefault(cls)?.Keys ?? Enumerable.Empty<string>())
                .Distinct(StringComparer.Ordinal)
                .OrderBy(q => q == EvalReport.Combined ? 1 : 0)
                .ThenBy(q => q, StringComparer.Ordinal)
                .ToList();
            foreach (string seq in seqs)
            {
                foreach (var (name, report) in reports)
                {
                    if (report.Classes.GetValueOrDefault(cls)?.GetValueOrDefault(seq) is { } m)
                    {
                        var summary = m.Summary();
                        rows.Add((cls, seq, name, CompareCols.Where(summary.ContainsKey).ToDictionary(c => c, c => summary[c])));
                    }
                }
            }
        }

        return rows;
    }

    private static Dictionary<string, object> JsonDoc(EvalReport report)
    {
        var doc = new Dictionary<string, object>
        {
            ["benchmarks"] = report.SequenceBenchmarks.ToDictionary(kv => kv.Key, kv => kv.Value.ToString().ToLowerInvariant()),
            ["classes"] = report.Classes.ToDictionary(c => c.Key, c => c.Value.ToDictionary(s => s.Key, s => s.Value.Summary())),
        };
        if (report.ClassAveraged.Count > 0)
        {
            doc["class_averaged"] = report.ClassAveraged;
        }

        return doc;
    }

    private static void PrintComparison(IReadOnlyList<(string Name, EvalReport Report)> reports)
    {
        IAnsiConsole console = Terminal.Out;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }

        foreach (var group in ComparisonRows(reports).GroupBy(r => r.Class))
        {
            var cols = CompareCols.Where(c => group.First().Values.ContainsKey(c)).ToList();
            var table = new Table().Title(Markup.Escape($"{group.Key}: {reports.Count} runs"))
                .AddColumn(new TableColumn("sequence").NoWrap())
                .AddColumn(new TableColumn("run").NoWrap());
            foreach (string c in cols)
            {
                table.AddColumn(new TableColumn(c).RightAligned().NoWrap());
            }

            string? lastSeq = null;
            foreach (var (_, seq, run, values) in group)
            {
                if (lastSeq is not null && seq != lastSeq)
                {
                    table.AddEmptyRow();
                }

                lastSeq = seq;
                var cells = new List<string> { seq == EvalReport.Combined ? "[bold]COMBINED[/]" : Markup.Escape(seq), Markup.Escape(run) };
                cells.AddRange(cols.Select(c => values[c].ToString(IsCount(c) ? "0" : "0.00", CultureInfo.InvariantCulture)));
                table.AddRow(cells.ToArray());
            }

            console.Write(table);
        }
    }

    private static void Print(string cls, Dictionary<string, SequenceMetrics> rows)
    {
        var first = rows.Values.First().Summary();
        var cols = HotaCols.Concat(ClearCols).Concat(IdCols).Where(first.ContainsKey).ToList();
        IAnsiConsole console = Terminal.Out;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 200);
        }

        var table = new Table().Title(Markup.Escape(cls)).AddColumn(new TableColumn("sequence").NoWrap());
        foreach (string c in cols)
        {
            table.AddColumn(new TableColumn(c.Replace("CLR_", string.Empty, StringComparison.Ordinal)).RightAligned().NoWrap());
        }

        foreach (var (seq, m) in rows)
        {
            var s = m.Summary();
            var cells = new List<string> { seq == EvalReport.Combined ? "[bold]COMBINED[/]" : Markup.Escape(seq) };
            cells.AddRange(cols.Select(c => s[c].ToString(IsCount(c) ? "0" : "0.00", CultureInfo.InvariantCulture)));
            table.AddRow(cells.ToArray());
        }

        console.Write(table);
    }

    private static bool IsCount(string c) => c is "IDSW" or "Frag" or "MT" or "PT" or "ML" or "CLR_FP" or "CLR_FN";
}
