using System.Text.Json;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Evaluation;

[Trait("Category", Categories.RealData)]
public class EvalCliTests
{
    [Fact]
    public void Eval_TrackEvalLayout_WritesJsonMatchingReference()
    {
        using var dir = TestData.TempDir();
        var (code, stdout, stderr) = ProcessCliRunner.Run("eval", "--gt", TestData.Path_("eval-reference/gt/MOT17-train"), "--pred", TestData.Path_("eval-reference/trackers/MOT17-train/idswap"), "--json", dir.File("r.json"));
        Assert.True(code == 0, stderr);
        Assert.Contains("COMBINED", stdout, StringComparison.Ordinal);
        using var got = JsonDocument.Parse(File.ReadAllText(dir.File("r.json")));
        using var want = JsonDocument.Parse(File.ReadAllText(TestData.Path_("eval-reference/expected.json")));
        var combinedWant = want.RootElement.GetProperty("MOT17").GetProperty("idswap").GetProperty("COMBINED_SEQ");
        var combinedGot = got.RootElement.GetProperty("classes").GetProperty("pedestrian").GetProperty("COMBINED_SEQ");
        foreach (var f in combinedWant.EnumerateObject())
        {
            Assert.Equal(f.Value.GetDouble(), combinedGot.GetProperty(f.Name).GetDouble(), 0.01);
        }
    }

    [Fact]
    public void Eval_SequenceFolderWithPredFile_Scores()
    {
        using var dir = TestData.TempDir();
        File.Copy(TestData.Path_("eval-reference/trackers/MOT15-train/perfect/data/TUD-Campus.txt"), dir.File("TUD-Campus.txt"));
        var (code, stdout, stderr) = ProcessCliRunner.Run("eval", "--gt", TestData.Dataset("TUD-Campus"), "--pred", dir.Path, "--metrics", "clear");
        Assert.True(code == 0, stderr);
        Assert.Contains("100.00", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("HOTA", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_MalformedPrediction_ExitsTwoWithOneLine()
    {
        using var dir = TestData.TempDir();
        File.WriteAllText(dir.File("TUD-Campus.txt"), "1,1,10,10,5,5,1,-1,-1,-1\n2,1,10,10,5\n");
        var (code, _, stderr) = ProcessCliRunner.Run("eval", "--gt", TestData.Dataset("TUD-Campus"), "--pred", dir.Path);
        Assert.Equal(2, code);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains("TUD-Campus.txt:2:", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_MissingPrediction_ExitsTwo()
    {
        using var dir = TestData.TempDir();
        var (code, _, stderr) = ProcessCliRunner.Run("eval", "--gt", TestData.Dataset("TUD-Campus"), "--pred", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("no tracker file for sequence TUD-Campus", stderr, StringComparison.Ordinal);
    }
}
