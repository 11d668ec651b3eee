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

    /// <summary>
    /// <c>convert --smooth</c> applies the same smoothing as <c>vtrack track</c>'s exports, to a file that was written
    /// unsmoothed; without a frame rate it is a user error.
    /// </summary>
    [Fact]
    public void Convert_Smooth_MatchesTheSmoothingOfTrackExports()
    {
        using var dir = TestData.TempDir();
        string seqDir = TestData.Dataset("TUD-Campus");
        string det = Path.Combine(seqDir, "det", "det.txt");
        Assert.Equal(0, ProcessCliRunner.Run("track", seqDir, "--classes", "person", "--detections", det, "--export", "mot", "--smooth", "0", "--out", dir.File("raw")).ExitCode);
        Assert.Equal(0, ProcessCliRunner.Run("track", seqDir, "--classes", "person", "--detections", det, "--export", "mot", "--out", dir.File("smoothed")).ExitCode);
        string raw = Path.Combine(dir.File("raw"), "TUD-Campus.mot.txt");

        var (code, _, stderr) = ProcessCliRunner.Run("convert", raw, dir.File("x.txt"), "--smooth", "0.05");
        Assert.Equal(2, code);
        Assert.Contains("--fps", stderr, StringComparison.Ordinal);

        Assert.Equal(0, ProcessCliRunner.Run("convert", raw, dir.File("converted.txt"), "--smooth", "0.05", "--fps", "25").ExitCode);
        var converted = MotChallengeFormat.Read(dir.File("converted.txt"));
        var tracked = MotChallengeFormat.Read(Path.Combine(dir.File("smoothed"), "TUD-Campus.mot.txt"));
        var unsmoothed = MotChallengeFormat.Read(raw);
        Assert.Equal(tracked.Rows.Select(r => (r.Frame, r.Id)), converted.Rows.Select(r => (r.Frame, r.Id)));
        // The raw file's text is rounded, so the two agree to a few hundredths of a pixel, not bit for bit.
        Assert.All(tracked.Rows.Zip(converted.Rows), p => Assert.InRange(Math.Abs(p.First.Left - p.Second.Left) + Math.Abs(p.First.Height - p.Second.Height), 0, 0.05));
        Assert.Contains(unsmoothed.Rows.Zip(converted.Rows), p => Math.Abs(p.First.Left - p.Second.Left) > 0.5);
    }
}
