using VisionTracker.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VisionTracker.Annotations;
using VisionTracker.Evaluation;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack eval --gt DIR --pred DIR</c>: HOTA, CLEAR and Identity, matching TrackEval.</summary>
internal static class EvalCommand
{
    private static readonly string[] HotaCols = ["HOTA", "DetA", "AssA", "LocA"];
    private static readonly string[] ClearCols = ["MOTA", "MOTP", "IDSW", "Frag", "MT", "PT", "ML", "CLR_FP", "CLR_FN"];
    private static readonly string[] IdCols = ["IDF1", "IDP", "IDR"];

    public static Command Create()
    {
        var gt = new Option<string>("--gt") { Description = "Ground truth: a MOT sequence folder, a folder of sequences, or a TrackEval gt folder (gt/<BENCH>-train).", Required = true };
        var pred = new Option<string>("--pred") { Description = "Predictions: a folder holding <SEQ>.txt (or data/<SEQ>.txt) in MOT format.", Required = true };
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

            var report = MotEvaluator.EvaluateFolders(p.GetRequiredValue(gt), p.GetRequiredValue(pred), options);
            foreach (var (cls, rows) in report.Classes)
            {
                Print(cls, rows);
            }

            if (p.GetValue(json) is { } jsonPath)
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

                AtomicFile.Write(jsonPath, s => JsonSerializer.Serialize(s, doc, new JsonSerializerOptions { WriteIndented = true }));
                Console.WriteLine($"wrote {jsonPath}");
            }

            return ExitCodes.Ok;
        });
        return cmd;
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
