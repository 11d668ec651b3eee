using VisionTracker.Annotations;
using VisionTracker.Tests.Evaluation;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Annotations;

[Trait("Category", Categories.RealData)]
public class ConvertCliTests
{
    [Fact]
    public void Convert_MotToCvatToCocoToMot_KeepsTracks()
    {
        using var dir = TestData.TempDir();
        string gt = TestData.Dataset("TUD-Campus/gt/gt.txt");
        Assert.Equal(0, ProcessCliRunner.Run("convert", gt, dir.File("a.xml")).ExitCode);
        Assert.Equal(0, ProcessCliRunner.Run("convert", dir.File("a.xml"), dir.File("b.json")).ExitCode);
        Assert.Equal(0, ProcessCliRunner.Run("convert", dir.File("b.json"), dir.File("c.txt")).ExitCode);
        var a = MotChallengeFormat.Read(gt);
        var c = MotChallengeFormat.Read(dir.File("c.txt"));
        Assert.Equal(a.Rows.Select(r => (r.Frame, r.Id, r.Left, r.Top, r.Width, r.Height)), c.Rows.Select(r => (r.Frame, r.Id, r.Left, r.Top, r.Width, r.Height)));
    }

    [Fact]
    public void Convert_MotWithoutSizeToCvat_ExitsTwoAskingForSize()
    {
        using var dir = TestData.TempDir();
        File.WriteAllText(dir.File("x.txt"), "1,1,10,10,5,5,1,-1,-1,-1\n");
        var (code, _, stderr) = ProcessCliRunner.Run("convert", dir.File("x.txt"), dir.File("x.xml"));
        Assert.Equal(2, code);
        Assert.Contains("--width", stderr, StringComparison.Ordinal);
        Assert.Equal(0, ProcessCliRunner.Run("convert", dir.File("x.txt"), dir.File("x.xml"), "--width", "64", "--height", "48").ExitCode);
        Assert.Equal((64, 48), (CvatVideoFormat.Read(dir.File("x.xml")).Width, CvatVideoFormat.Read(dir.File("x.xml")).Height));
    }

    [Theory]
    [InlineData("bad.xml", "<annotations><track id=\"0\"")]
    [InlineData("bad.json", "{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1}],\"annotations\":[]}")]
    [InlineData("bad.txt", "1,1,a,10,5,5,1\n")]
    public void Convert_BadInput_ExitsTwoWithOneLine(string name, string content)
    {
        using var dir = TestData.TempDir();
        File.WriteAllText(dir.File(name), content);
        var (code, _, stderr) = ProcessCliRunner.Run("convert", dir.File(name), dir.File("out.txt"));
        Assert.Equal(2, code);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(dir.File(name), lines[0], StringComparison.Ordinal);
    }
}
