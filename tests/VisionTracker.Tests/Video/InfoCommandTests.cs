using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Video;

[Collection("VideoCli")]
public class InfoCommandTests
{
    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task Info_VideoWithRangeAndStride_PrintsFramesReadSizeAndFps()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("info", TestData.Video("bottle-detection.mp4"), "--start", "10", "--end", "100", "--stride", "7");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        Assert.Contains("13 frames read", stdout, StringComparison.Ordinal);
        Assert.Contains("640x360", stdout, StringComparison.Ordinal);
        Assert.Contains("29.83 fps", stdout, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task Info_Mot17MiniSequence_WarnsOnStderrAndSucceeds()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("info", TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-09-FRCNN")));
        Assert.Equal(0, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning:", line, StringComparison.Ordinal);
        Assert.Contains("frames read", stdout, StringComparison.Ordinal);
    }

    public static TheoryData<string> BadSources => new() { "missing", "not-a-sequence", "text-file", "random-bytes", "truncated", "camera", "url", "bad-stride" };

    [Theory]
    [MemberData(nameof(BadSources))]
    public async Task Info_BadInput_ExitsTwoWithOneStderrLineAndNoStackTrace(string kind)
    {
        using var dir = TestData.TempDir();
        var args = new List<string> { "info" };
        switch (kind)
        {
            case "missing":
                args.Add(dir.File("nope.mp4"));
                break;
            case "not-a-sequence":
                args.Add(dir.Path);
                break;
            case "text-file":
                File.WriteAllText(dir.File("notes.mp4"), "just text\n");
                args.Add(dir.File("notes.mp4"));
                break;
            case "random-bytes":
                var bytes = new byte[4096];
                new Random(3).NextBytes(bytes);
                File.WriteAllBytes(dir.File("noise.avi"), bytes);
                args.Add(dir.File("noise.avi"));
                break;
            case "truncated":
                string whole = VideoFixtures.WriteAvi(dir.File("whole.avi"), 40);
                args.Add(VideoFixtures.Truncate(whole, dir.File("cut.avi"), 0.5));
                break;
            case "camera":
                args.Add("97");
                break;
            case "url":
                args.Add("http://127.0.0.1:9/none");
                break;
            default:
                string ok = VideoFixtures.WriteAvi(dir.File("ok.avi"), 3);
                args.AddRange([ok, "--stride", "0"]);
                break;
        }

        var (code, _, stderr) = await CliRunner.RunAsync([.. args]);
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }
}
