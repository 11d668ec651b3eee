using System.Text.Json;
using VisionTracker.Detection;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// <c>vtrack live --gmc</c> (issue 14): the dashboard's <c>/api/status</c> carries the camera motion the pipeline
/// estimated, and nothing when compensation is off.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class CameraMotionStatusTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Status_CarriesTheEstimatedCameraMotion_OnlyWhenGmcIsOn(bool gmc)
    {
        // MOT17-05 is filmed walking: 6-7 px/frame (docs/tracking-quality.md).
        using var hub = new LiveHub(new MonitorOptions { MaxStreamFps = 8 });
        await using var server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, hub, _ => null, CancellationToken.None);
        using var source = FrameSource.Open(TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-05-FRCNN")), new FrameSourceOptions { Warn = static _ => { } });
        using var detector = new DetrDetector(new DetrDetectorOptions { ModelPath = TestData.Atto, IntraOpThreads = 1 });
        var pipeline = new TrackingPipeline(source, detector, new CrossAttentionTracker(), observers: [], sinks: [hub], options: new PipelineOptions { CompensateCameraMotion = gmc });
        hub.UsePipelineStats(() => pipeline.Stats);
        Assert.True(await pipeline.RunAsync(CancellationToken.None), "the pipeline did not finish the sequence");

        using HttpClient c = Http.Client(server.Address);
        JsonElement s = await Http.GetJson(c, "api/status");
        Assert.Equal(6, s.GetProperty("frames").GetInt64());
        bool has = s.TryGetProperty("cameraMotion", out JsonElement m) && m.ValueKind != JsonValueKind.Null;
        Assert.Equal(gmc, has);
        if (gmc)
        {
            Assert.True(m.GetProperty("meanPixels").GetDouble() > 2, m.ToString());
            Assert.True(m.GetProperty("maxPixels").GetDouble() >= m.GetProperty("meanPixels").GetDouble(), m.ToString());
            Assert.True(m.GetProperty("estimateMs").GetDouble() > 0, m.ToString());
        }
    }
}
