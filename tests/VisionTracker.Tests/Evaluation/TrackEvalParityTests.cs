using System.Text.Json;
using VisionTracker.Evaluation;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Evaluation;

/// <summary>Every number in eval-reference/expected.json (TrackEval's output) is reproduced to within 0.01.</summary>
[Trait("Category", Categories.RealData)]
public class TrackEvalParityTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path_("eval-reference/expected.json")));
        foreach (var bench in doc.RootElement.EnumerateObject())
        {
            foreach (var tracker in bench.Value.EnumerateObject())
            {
                data.Add(bench.Name, tracker.Name);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_ReferenceTracker_MatchesTrackEval(string benchmark, string tracker)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path_("eval-reference/expected.json")));
        var expected = doc.RootElement.GetProperty(benchmark).GetProperty(tracker);
        string gtDir = TestData.Path_($"eval-reference/gt/{benchmark}-train");
        string predDir = TestData.Path_($"eval-reference/trackers/{benchmark}-train/{tracker}");
        var mode = benchmark == "MOT15" ? EvalBenchmark.Mot15 : EvalBenchmark.Mot17;

        var report = MotEvaluator.EvaluateFolders(gtDir, predDir, new EvalOptions { Benchmark = mode });

        var rows = report.Classes[MotEvaluator.Pedestrian];
        var mismatches = new List<string>();
        int compared = 0;
        foreach (var seq in expected.EnumerateObject())
        {
            Assert.True(rows.ContainsKey(seq.Name), $"sequence {seq.Name} missing from the report");
            var got = rows[seq.Name].Summary();
            foreach (var field in seq.Value.EnumerateObject())
            {
                compared++;
                Assert.True(got.ContainsKey(field.Name), $"field {field.Name} missing");
                double want = field.Value.GetDouble();
                if (Math.Abs(got[field.Name] - want) > 0.01)
                {
                    mismatches.Add($"{seq.Name}.{field.Name}: expected {want}, got {got[field.Name]:0.####}");
                }
            }
        }

        Assert.True(compared > 20, "expected.json had too few numbers for this tracker");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void Evaluate_AutoBenchmark_PicksMot15ForTudAndMot17ForMot17()
    {
        var r15 = MotEvaluator.EvaluateFolders(TestData.Path_("eval-reference/gt/MOT15-train"), TestData.Path_("eval-reference/trackers/MOT15-train/idswap"), new EvalOptions());
        var r17 = MotEvaluator.EvaluateFolders(TestData.Path_("eval-reference/gt/MOT17-train"), TestData.Path_("eval-reference/trackers/MOT17-train/idswap"), new EvalOptions());
        Assert.All(r15.SequenceBenchmarks.Values, b => Assert.Equal(EvalBenchmark.Mot15, b));
        Assert.All(r17.SequenceBenchmarks.Values, b => Assert.Equal(EvalBenchmark.Mot17, b));
    }
}
