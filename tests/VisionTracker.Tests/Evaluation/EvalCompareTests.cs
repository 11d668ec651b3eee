using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VisionTracker.Annotations;
using VisionTracker.Cli.Commands;
using VisionTracker.Evaluation;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Evaluation;

/// <summary>
/// <c>vtrack eval</c> with several <c>--pred</c> runs prints one comparison table whose numbers are each run's own
/// single-run numbers (and TrackEval's, from eval-reference/expected.json); <c>--benchmark auto</c> reads 10-column gt as MOT15.
/// </summary>
[Trait("Category", Categories.RealData)]
public class EvalCompareTests
{
    private static readonly string[] Trackers = ["perfect", "jitter_drop", "idswap", "fragmented_fp"];

    [Theory]
    [InlineData("MOT17")]
    [InlineData("MOT15")]
    public void Eval_SeveralRuns_OneTableWithEachRunsSingleRunNumbers(string benchmark)
    {
        using var dir = TestData.TempDir();
        string gt = TestData.Path_($"eval-reference/gt/{benchmark}-train");
        string Pred(string tracker) => TestData.Path_($"eval-reference/trackers/{benchmark}-train/{tracker}");

        var args = new List<string> { "eval", "--gt", gt };
        foreach (string t in Trackers)
        {
            args.AddRange(["--pred", Pred(t)]);
        }

        args.AddRange(["--json", dir.File("all.json")]);
        var (code, stdout, stderr) = ProcessCliRunner.Run([.. args]);
        Assert.True(code == 0, stderr);

        // The printed table: one row per sequence and run, COMBINED last.
        var table = ParseTable(stdout);
        using var expected = JsonDocument.Parse(File.ReadAllText(TestData.Path_("eval-reference/expected.json")));
        using var all = JsonDocument.Parse(File.ReadAllText(dir.File("all.json")));
        int compared = 0;
        foreach (string t in Trackers)
        {
            var (c1, _, e1) = ProcessCliRunner.Run("eval", "--gt", gt, "--pred", Pred(t), "--json", dir.File(t + ".json"));
            Assert.True(c1 == 0, e1);
            using var single = JsonDocument.Parse(File.ReadAllText(dir.File(t + ".json")));
            var singleSeqs = single.RootElement.GetProperty("classes").GetProperty("pedestrian");

            // The --json of a comparison holds each run's single-run document unchanged.
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(single.RootElement.GetRawText()), JsonNode.Parse(all.RootElement.GetProperty("runs").GetProperty(t).GetRawText())), $"{t}: --json differs from its single run");

            foreach (var seq in singleSeqs.EnumerateObject())
            {
                string rowSeq = seq.Name == EvalReport.Combined ? "COMBINED" : seq.Name;
                Assert.True(table.TryGetValue((rowSeq, t), out var row), $"no table row for {rowSeq} / {t}");
                foreach (string col in EvalCommand.CompareCols)
                {
                    double v = seq.Value.GetProperty(col).GetDouble();
                    string want = v.ToString(col == "IDSW" ? "0" : "0.00", CultureInfo.InvariantCulture);
                    Assert.True(want == row[col], $"{t} {seq.Name} {col}: table {row[col]}, single run {want}");
                    double reference = expected.RootElement.GetProperty(benchmark).GetProperty(t).GetProperty(seq.Name).GetProperty(col).GetDouble();
                    Assert.Equal(reference, double.Parse(row[col], CultureInfo.InvariantCulture), 0.0051);
                    compared++;
                }
            }
        }

        int sequences = Directory.GetDirectories(gt).Length + 1;
        Assert.Equal(Trackers.Length * sequences * EvalCommand.CompareCols.Length, compared);
        Assert.Equal(Trackers.Length * sequences, table.Count);
    }

    [Fact]
    public void Eval_TwoRunsWithOneName_ExitsTwo_NameEqualsDirRenames()
    {
        string gt = TestData.Path_("eval-reference/gt/MOT15-train");
        string a = TestData.Path_("eval-reference/trackers/MOT15-train/idswap");
        string b = TestData.Path_("eval-reference/trackers/MOT17-train/idswap");
        var (code, _, stderr) = ProcessCliRunner.Run("eval", "--gt", gt, "--pred", a, "--pred", b);
        Assert.Equal(2, code);
        Assert.Contains("two runs are named 'idswap'", stderr, StringComparison.Ordinal);

        var (ok, stdout, err) = ProcessCliRunner.Run("eval", "--gt", gt, "--pred", "swap=" + a, "--pred", TestData.Path_("eval-reference/trackers/MOT15-train/perfect/data"), "--metrics", "hota");
        Assert.True(ok == 0, err);
        var table = ParseTable(stdout);
        Assert.Equal(["HOTA", "DetA", "AssA"], table[("TUD-Campus", "swap")].Keys);
        Assert.Equal("100.00", table[("TUD-Campus", "perfect")]["HOTA"]);
    }

    [Fact]
    public void Eval_AutoBenchmark_TenColumnGtIsMot15()
    {
        // The TUD-Campus ground truth in MOT15's 10-column layout (frame, id, box, conf, world x, y, z), in a folder
        // whose path does not say MOT15; scored against a reference tracker it must give TrackEval's MOT15 numbers.
        using var dir = TestData.TempDir();
        string seq = Path.Combine(dir.Path, "gt", "TUD-Campus");
        Directory.CreateDirectory(Path.Combine(seq, "gt"));
        var rows = File.ReadLines(TestData.Path_("eval-reference/gt/MOT15-train/TUD-Campus/gt/gt.txt"))
            .Select(l => l.Split(','))
            .Select((p, i) => string.Join(',', p[0], p[1], p[2], p[3], p[4], p[5], "1", (-11773.5 + i).ToString(CultureInfo.InvariantCulture), "-2034.25", "0"))
            .ToList();
        File.WriteAllLines(Path.Combine(seq, "gt", "gt.txt"), rows);
        Assert.Equal(10, MotChallengeFormat.Read(Path.Combine(seq, "gt", "gt.txt")).SourceColumns);

        var (code, _, stderr) = ProcessCliRunner.Run("eval", "--gt", Path.Combine(dir.Path, "gt"), "--pred", TestData.Path_("eval-reference/trackers/MOT15-train/idswap"), "--json", dir.File("r.json"));
        Assert.True(code == 0, stderr);
        using var got = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        Assert.Equal("mot15", got.RootElement.GetProperty("benchmarks").GetProperty("TUD-Campus").GetString());
        using var want = JsonDocument.Parse(File.ReadAllText(TestData.Path_("eval-reference/expected.json")));
        var combined = got.RootElement.GetProperty("classes").GetProperty("pedestrian").GetProperty(EvalReport.Combined);
        foreach (var f in want.RootElement.GetProperty("MOT15").GetProperty("idswap").GetProperty(EvalReport.Combined).EnumerateObject())
        {
            Assert.Equal(f.Value.GetDouble(), combined.GetProperty(f.Name).GetDouble(), 0.01);
        }
    }

    [Fact]
    public void DetectBenchmark_NineColumnMot17GtIsMot17_SevenColumnIsMot15()
    {
        var mot17 = MotEvaluator.FindSequences(TestData.Dataset("MOT17-mini/train"));
        Assert.True(mot17.Count >= 3);
        foreach (var s in mot17)
        {
            var gt = MotChallengeFormat.Read(s.GtFile);
            Assert.Equal(9, gt.SourceColumns);
            Assert.Equal(EvalBenchmark.Mot17, MotEvaluator.DetectBenchmark(s, gt));
        }

        var tud = Assert.Single(MotEvaluator.FindSequences(TestData.Dataset("TUD-Campus")));
        Assert.Equal(EvalBenchmark.Mot15, MotEvaluator.DetectBenchmark(tud, MotChallengeFormat.Read(tud.GtFile)));
    }

    /// <summary>Rows of the printed comparison table(s), keyed by (sequence, run), with a value per metric column.</summary>
    private static Dictionary<(string Seq, string Run), Dictionary<string, string>> ParseTable(string stdout)
    {
        var rows = new Dictionary<(string, string), Dictionary<string, string>>();
        string[]? header = null;
        foreach (string line in stdout.Split('\n'))
        {
            string[] cells = line.Split('│', '|').Select(c => c.Trim()).ToArray();
            if (cells.Length < 4)
            {
                continue;
            }

            cells = cells[1..^1];
            if (cells[0] == "sequence" && cells[1] == "run")
            {
                header = cells;
            }
            else if (header is not null && cells.Length == header.Length && cells[0].Length > 0)
            {
                rows[(cells[0], cells[1])] = Enumerable.Range(2, cells.Length - 2).ToDictionary(i => header[i], i => cells[i]);
            }
        }

        return rows;
    }
}
