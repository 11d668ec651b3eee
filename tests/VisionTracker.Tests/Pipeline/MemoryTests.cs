using System.Globalization;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tracking;
using VisionTracker.Video;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Pipeline;

/// <summary>Resident memory stays flat over a long run: every Mat and ORT value is disposed, nothing grows per frame.</summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public class MemoryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task LongRun_ResidentMemoryStaysWithinTenPercentAfterWarmup()
    {
        const int warmup = 300;
        using var detector = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Atto, ScoreThreshold = 0.1f });
        string video = TestData.Video("one-by-one-person-detection.mp4");
        using var src = new LoopSource(() => new VideoFileSource(video), passes: 2);
        using var memory = new MemorySampler(interval: 50);
        using var dir = TestData.TempDir();
        using var events = new EventsJsonlSink(dir.File("e.jsonl"));
        using var videoOut = new AnnotatedVideoSink(dir.File("v.mp4"), src.Info.Width, src.Info.Height, src.Info.Fps, CocoClasses.Names);
        var pipeline = new TrackingPipeline(src, detector, new CrossAttentionTracker(), sinks: [memory, events, videoOut], options: new PipelineOptions { MaxFrames = 1800 });
        Assert.True(await pipeline.RunAsync());
        Assert.Equal(1800, pipeline.Stats.FramesCompleted);

        foreach (var (frame, bytes) in memory.Samples.Where((_, i) => i % 4 == 0))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frame {frame,5}: {bytes / 1048576.0:0.0} MB"));
        }

        double growth = memory.GrowthAfter(warmup);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth after {warmup} frames: {growth:P1}"));
        Assert.True(growth < 0.10, $"resident memory grew {growth:P1} after warm-up");
    }

    /// <summary>
    /// The CLI as users run it, video export on and no MALLOC_ARENA_MAX in the environment: vtrack caps glibc's
    /// arenas itself (it re-executes with the limit, as the summary's malloc row says) and logs a complete memory
    /// curve. The growth is printed, not asserted: with video on it is still above 10% on the strict "max vs first
    /// sample after 300 frames" measure (15.0% here, Dec 2026; the remaining growth is in one glibc arena and is not
    /// yet explained). See README "Performance" and issue 13's note.
    /// </summary>
    [Fact]
    public void Cli_VideoOnWithoutEnvironmentVariable_CapsMallocArenasItself()
    {
        const int warmup = 300;
        using var dir = TestData.TempDir();
        string log = dir.File("mem.csv");
        var env = new Dictionary<string, string?> { ["MALLOC_ARENA_MAX"] = null, ["VTRACK_MALLOC_ARENA_MAX"] = null, ["VTRACK_REEXEC"] = null };
        using var child = new CliChild(env, "track", TestData.Video("one-by-one-person-detection.mp4"), "--frames", "600", "--model", TestData.Atto,
            "--export", "events,video", "--out", dir.File("run"), "--memory-log", log);
        int code = child.WaitForExit(TimeSpan.FromMinutes(20));
        Assert.True(code == 0, $"exit code {code}: {child.StdErr}");
        Assert.Contains("MALLOC_ARENA_MAX=2 (set by vtrack", child.StdOut, StringComparison.Ordinal);
        var samples = File.ReadAllLines(log).Skip(1).Select(l => l.Split(',')).Select(f => (Frame: long.Parse(f[0], CultureInfo.InvariantCulture), Bytes: long.Parse(f[1], CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(600, samples[^1].Frame);
        var after = samples.Where(s => s.Frame >= warmup).ToList();
        double growth = ((double)after.Max(s => s.Bytes) / after[0].Bytes) - 1;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"growth after {warmup} frames, no environment variable: {growth:P1}"));
    }
}
