using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Pipeline;

/// <summary>
/// <c>vtrack track --cameras</c> with two real clips in one process, in both engine shapes (batched calls; 1-thread
/// workers), writes for each camera the same MOT file and events as <c>vtrack track</c> on that clip alone.
/// </summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public sealed class CamerasTrackTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TrackCameras_EachCameraWritesWhatItsOwnRunWrites()
    {
        using var dir = TestData.TempDir();
        string zones = Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json");
        string cameras = dir.File("cameras.json");
        await File.WriteAllTextAsync(cameras, $$"""
            { "cameras": [
              { "name": "table", "source": "{{TestData.Video("bottle-detection.mp4")}}", "classes": ["bottle"] },
              { "name": "aisle", "source": "{{TestData.Video("store-aisle.mp4")}}", "classes": "person", "zones": "{{zones}}" }
            ] }
            """);
        string[] common = ["--model", "atto", "--frames", "40", "--export", "mot,events"];
        var (code, stdout, stderr) = await CliRunner.RunAsync(["track", "--cameras", cameras, "--engine", "batched", "--out", dir.File("batched"), .. common]);
        Assert.True(code == 0, stderr);
        output.WriteLine(stdout);

        // Batched: some detector calls took both cameras' frames (how many depends on scheduling, so only "some").
        var mean = System.Text.RegularExpressions.Regex.Match(stdout, @"batched, \d+ detector calls, ([0-9.]+) frames per call");
        Assert.True(mean.Success, stdout);
        Assert.True(double.Parse(mean.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 1, stdout);

        // Workers (the CPU default): one 1-thread session per core, against the alone runs' 2-thread session.
        (code, stdout, stderr) = await CliRunner.RunAsync(["track", "--cameras", cameras, "--engine", "workers", "--out", dir.File("workers"), .. common]);
        Assert.True(code == 0, stderr);
        Assert.Contains("workers", stdout, StringComparison.Ordinal);

        (code, _, stderr) = await CliRunner.RunAsync(["track", TestData.Video("bottle-detection.mp4"), "--classes", "bottle", "--out", dir.File("table"), .. common]);
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRunner.RunAsync(["track", TestData.Video("store-aisle.mp4"), "--classes", "person", "--zones", zones, "--out", dir.File("aisle"), .. common]);
        Assert.True(code == 0, stderr);

        foreach (string engine in (string[])["batched", "workers"])
        {
            foreach (var (camera, stem) in new[] { ("table", "bottle-detection"), ("aisle", "store-aisle") })
            {
                string alone = await File.ReadAllTextAsync(Path.Combine(dir.File(camera), stem + ".mot.txt"));
                string many = await File.ReadAllTextAsync(Path.Combine(dir.File(engine), camera, camera + ".mot.txt"));
                Assert.True(alone.Length > 0, $"{camera}: no tracks alone, so the comparison proves nothing");
                Assert.True(alone == many, $"{engine}, {camera}: the MOT file differs from the camera's own run");
                Assert.Equal(
                    await File.ReadAllLinesAsync(Path.Combine(dir.File(camera), stem + ".events.jsonl")),
                    await File.ReadAllLinesAsync(Path.Combine(dir.File(engine), camera, camera + ".events.jsonl")));
            }
        }

        Assert.NotEmpty(await File.ReadAllLinesAsync(Path.Combine(dir.File("aisle"), "store-aisle.events.jsonl")));
    }
}

/// <summary>Reading cameras files: paths, variables, class lists and the mistakes a user makes.</summary>
public sealed class CamerasFileTests
{
    [Fact]
    public void Parse_ResolvesPathsAgainstTheFile_AndKeepsUrlsAndIndexes()
    {
        var cams = CamerasFile.Parse(
            """{ "cameras": [ { "name": "a", "source": "v/a.mp4", "zones": "z.json", "classes": ["bottle", "cup"], "out": "o", "realtime": true }, { "name": "b", "source": "rtsp://10.0.0.1/x", "events": "/tmp/b.jsonl" }, { "name": "c", "source": "0" } ] }""",
            "cams.json",
            "/base");
        Assert.Equal(3, cams.Count);
        Assert.Equal(new CameraEntry("a", "/base/v/a.mp4", "/base/z.json", "bottle,cup", null, "/base/o", true), cams[0]);
        Assert.Equal(new CameraEntry("b", "rtsp://10.0.0.1/x", null, null, "/tmp/b.jsonl", null, false), cams[1]);
        Assert.Equal("0", cams[2].Source);
    }

    [Fact]
    public void Parse_ExpandsEnvironmentVariables()
    {
        Environment.SetEnvironmentVariable("VTRACK_CAMERAS_TEST_DIR", "/data");
        var cams = CamerasFile.Parse("""{ "cameras": [ { "name": "a", "source": "${VTRACK_CAMERAS_TEST_DIR}/a.mp4" } ] }""", "f", "/base");
        Assert.Equal("/data/a.mp4", cams[0].Source);
    }

    [Theory]
    [InlineData("""{ "cams": [] }""", "needs a \"cameras\" array")]
    [InlineData("""{ "cameras": [] }""", "lists no cameras")]
    [InlineData("""{ "cameras": [ { "source": "a.mp4" } ] }""", "\"name\" is missing")]
    [InlineData("""{ "cameras": [ { "name": "a" } ] }""", "\"source\" is missing")]
    [InlineData("""{ "cameras": [ { "name": "a b", "source": "a.mp4" } ] }""", "may use only letters")]
    [InlineData("""{ "cameras": [ { "name": "a", "source": "a.mp4", "zone": "z.json" } ] }""", "unknown property \"zone\"")]
    [InlineData("""{ "cameras": [ { "name": "a", "source": "a.mp4" }, { "name": "a", "source": "b.mp4" } ] }""", "used twice")]
    [InlineData("""{ "cameras": [ { "name": "a", "source": "${VTRACK_SURELY_UNSET_VAR}/a.mp4" } ] }""", "VTRACK_SURELY_UNSET_VAR")]
    [InlineData("""{ "cameras": [ """, "not valid JSON")]
    public void Parse_Mistakes_AreOneClearLine(string json, string expected)
    {
        var ex = Assert.Throws<VisionTrackerException>(() => CamerasFile.Parse(json, "cams.json", "/base"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
