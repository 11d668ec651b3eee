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
}
