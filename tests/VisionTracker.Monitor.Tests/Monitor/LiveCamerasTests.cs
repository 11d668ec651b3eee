using System.Text.Json;
using VisionTracker.Cli.Commands;
using VisionTracker.Detection;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// <c>vtrack live --cameras</c> in-process on two real clips (played at their own rate) with the real Atto detector:
/// one dashboard lists both cameras with their own counts, serves each camera's page and status under
/// <c>/cameras/NAME/</c>, and labels every metric with its camera.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class LiveCamerasTests
{
    [Fact]
    public async Task LiveCameras_OneDashboard_EveryCameraWithItsOwnHealthAndMetrics()
    {
        using var dir = TestData.TempDir();
        string zones = Path.Combine(TestData.RepoRoot, "samples", "zones", "bottle-detection.json");
        string cameras = dir.File("cameras.json");
        await File.WriteAllTextAsync(cameras, $$"""
            { "cameras": [
              { "name": "table", "source": "{{TestData.Video("bottle-detection.mp4")}}", "classes": "bottle", "zones": "{{zones}}", "realtime": true },
              { "name": "aisle", "source": "{{TestData.Video("one-by-one-person-detection.mp4")}}", "classes": "person", "realtime": true, "events": "{{dir.File("aisle.jsonl")}}" }
            ] }
            """);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var started = new TaskCompletionSource<MonitorServer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var settings = new LiveCamerasSettings(cameras, new MonitorOptions { Listen = "127.0.0.1:0" }, "attention", "batched", MaxFrames: null);
        var detector = new DetrDetectorOptions { ModelPath = TestData.Atto, ScoreThreshold = TrackDefaults.DetectionScore, Log = _ => { } };
        Task<IReadOnlyList<PipelineStats>> run = Task.Run(() => LiveCommand.RunCamerasAsync(settings, _ => detector, s => started.TrySetResult(s), stop.Token), CancellationToken.None);
        try
        {
            MonitorServer server = await started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using HttpClient c = Http.Client(server.Address);

            // Both cameras make progress, each with its own counts; the table camera has its zones.
            JsonElement list = default;
            await Http.Eventually(
                async () =>
                {
                    list = await Http.GetJson(c, "api/cameras");
                    return list.GetProperty("cameras").EnumerateArray().All(x => x.GetProperty("frames").GetInt64() > 0);
                },
                "both cameras to report frames on /api/cameras");
            Assert.Equal("table", list.GetProperty("current").GetString());
            var names = list.GetProperty("cameras").EnumerateArray().Select(x => x.GetProperty("name").GetString()).ToList();
            Assert.Equal(["table", "aisle"], names);
            JsonElement table = list.GetProperty("cameras")[0];
            Assert.Equal("/cameras/table/", table.GetProperty("path").GetString());
            Assert.True(table.GetProperty("zones").TryGetProperty("spot-left", out _), table.ToString());
            Assert.Empty(list.GetProperty("cameras")[1].GetProperty("zones").EnumerateObject());

            // Each camera's own endpoints, and the page.
            JsonElement aisle = await Http.GetJson(c, "cameras/aisle/api/status");
            Assert.True(aisle.GetProperty("frames").GetInt64() > 0);
            Assert.Equal("running", aisle.GetProperty("sourceState").GetString());
            Assert.Empty((await Http.GetJson(c, "cameras/aisle/api/zones")).EnumerateArray());
            Assert.NotEmpty((await Http.GetJson(c, "cameras/table/api/zones")).EnumerateArray());
            Assert.Equal("aisle", (await Http.GetJson(c, "cameras/aisle/api/cameras")).GetProperty("current").GetString());
            string page = await c.GetStringAsync("cameras/aisle/");
            Assert.Contains("camerasCard", page, StringComparison.Ordinal);

            // Metrics: one series per camera.
            string metrics = await c.GetStringAsync("metrics");
            foreach (string cam in (string[])["table", "aisle"])
            {
                Assert.Contains($"vtrack_frames_total{{camera=\"{cam}\"}}", metrics, StringComparison.Ordinal);
                Assert.Contains($"vtrack_source_state{{camera=\"{cam}\",state=\"running\"}} 1", metrics, StringComparison.Ordinal);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
            }
        }

        IReadOnlyList<PipelineStats> stats = await run;
        Assert.Equal(2, stats.Count);
        Assert.All(stats, s => Assert.True(s.FramesCompleted > 0));
    }
}
