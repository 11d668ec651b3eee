using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenCvSharp;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>The dashboard's endpoints, fed by a real live pipeline over a real clip.</summary>
[Trait("Category", Categories.RealData)]
[Collection(LiveMonitorCollection.Name)]
public sealed partial class LiveDashboardTests(LiveMonitorFixture live)
{
    [Fact]
    public async Task Healthz_IsOk()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        using HttpResponseMessage r = await c.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("ok", (await r.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Status_CountsFramesFromThePipeline()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        JsonElement s = default;
        await Http.Eventually(async () => (s = await Http.GetJson(c, "api/status")).GetProperty("frames").GetInt64() > 0, "frames > 0 in /api/status");
        live.AssertPipelineAlive();
        Assert.Equal("running", s.GetProperty("sourceState").GetString());
        Assert.True(s.GetProperty("lastFrameIndex").GetInt64() >= 0);
        Assert.True(s.GetProperty("tracks").GetInt32() >= 0);
        Assert.True(s.GetProperty("droppedFrames").GetInt64() >= 0);

        // The hub's count and the pipeline's own count describe the same frames (the pipeline counts a frame once
        // every sink has written it, so it may be one behind a frame the hub is still drawing).
        long hubFrames = s.GetProperty("frames").GetInt64();
        Assert.True(live.Pipeline.Stats.FramesCompleted >= hubFrames - 1);
        await Http.Eventually(async () => (await Http.GetJson(c, "api/status")).GetProperty("detectorLatencyMs").GetDouble() > 0, "a detector latency");

        // store-aisle.mp4 has shoppers in the aisle: the real detector and tracker find some.
        await Http.Eventually(async () => (await Http.GetJson(c, "api/status")).GetProperty("tracks").GetInt32() > 0, "tracks > 0 in /api/status (people in store-aisle.mp4)");
    }

    [Fact]
    public async Task Stream_SendsDecodableAnnotatedJpegs()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        using var cts = new CancellationTokenSource(Http.Bound);
        using HttpResponseMessage r = await c.GetAsync("stream.mjpg", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("multipart/x-mixed-replace", r.Content.Headers.ContentType?.MediaType);
        await using Stream body = await r.Content.ReadAsStreamAsync(cts.Token);
        List<byte[]> parts = await Http.ReadMultipartParts(body, 3, cts.Token);

        Assert.Equal(3, parts.Count);
        foreach (byte[] jpeg in parts)
        {
            Assert.True(jpeg is [0xFF, 0xD8, 0xFF, ..], "each part starts with the JPEG SOI marker");
            Assert.True(jpeg is [.., 0xFF, 0xD9], "each part ends with the JPEG EOI marker");
            using Mat img = Cv2.ImDecode(jpeg, ImreadModes.Color);
            Assert.Equal(live.SourceInfo.Width, img.Width);
            Assert.Equal(live.SourceInfo.Height, img.Height);
        }

        Assert.NotEqual(parts[0], parts[2]);
    }

    [Fact]
    public async Task Events_DeliverAnEventRaisedByThePipeline()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        using var cts = new CancellationTokenSource(Http.Bound);

        // Ask only for events after the newest one now, so what arrives was raised while we listened.
        long since = live.Hub.RecentEvents().LastOrDefault()?.Id ?? 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, "events");
        request.Headers.Add("Last-Event-ID", since.ToString(CultureInfo.InvariantCulture));
        using HttpResponseMessage r = await c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal("text/event-stream", r.Content.Headers.ContentType?.MediaType);
        await using Stream body = await r.Content.ReadAsStreamAsync(cts.Token);
        var got = await Http.ReadEvents(body, _ => true, cts.Token);

        (long id, string data) = Assert.Single(got);
        Assert.True(id > since);
        JsonElement e = JsonDocument.Parse(data).RootElement;
        Assert.Equal(id, e.GetProperty("id").GetInt64());
        Assert.Equal(nameof(TickEvent), e.GetProperty("type").GetString());
        JsonElement payload = e.GetProperty("data");
        Assert.Equal(e.GetProperty("frameIndex").GetInt64(), payload.GetProperty("frameIndex").GetInt64());
        Assert.True(payload.GetProperty("tracks").GetInt32() >= 0);

        Assert.Equal("tick \"quoted\"\nline", payload.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Zones_ServeTheirPolygonsAndLiveCounts()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        await Http.Eventually(async () => (await Http.GetJson(c, "api/status")).GetProperty("frames").GetInt64() > 0, "a first frame");
        JsonElement zones = await Http.GetJson(c, "api/zones");
        Assert.Equal(live.Zones.Select(z => z.Name), zones.EnumerateArray().Select(z => z.GetProperty("name").GetString()));
        JsonElement right = zones[1];
        Assert.Equal(4, right.GetProperty("points").GetArrayLength());
        Assert.Equal(live.Zones[1].Points[0].X, right.GetProperty("points")[0][0].GetSingle());

        Assert.True(right.GetProperty("count").GetInt32() >= 0);

        // The counts are the tracks whose centre lies in each zone: never more than the tracks on the frame, and
        // the shoppers of store-aisle.mp4 walk through the left half at some point of the loop.
        await Http.Eventually(
            async () => (await Http.GetJson(c, "api/zones")).EnumerateArray().Any(z => z.GetProperty("count").GetInt32() > 0),
            "a zone count > 0 in /api/zones");
    }

    [Fact]
    public async Task Metrics_ExposeEveryPipelineMetricWithNumbers()
    {
        using HttpClient c = Http.Client(live.Server.Address);
        await Http.Eventually(async () => (await Http.GetJson(c, "api/status")).GetProperty("events").GetInt64() > 0, "a first event");
        using HttpResponseMessage r = await c.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/plain", r.Content.Headers.ContentType?.MediaType);
        string text = await r.Content.ReadAsStringAsync();
        await File.WriteAllTextAsync(Path.Combine(DashboardBrowserTests.ArtifactsFolder(), "metrics.txt"), text);

        var samples = MetricLine().Matches(text).ToDictionary(m => m.Groups["name"].Value + m.Groups["labels"].Value, m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));
        string[] expected =
        [
            "vtrack_frames_total", "vtrack_fps", "vtrack_dropped_frames_total", "vtrack_detector_latency_seconds_count",
            "vtrack_detector_latency_seconds_sum", "vtrack_tracks", "vtrack_events_total", "vtrack_source_reconnects_total",
            "vtrack_source_state{state=\"running\"}",
        ];
        foreach (string name in expected)
        {
            Assert.True(samples.ContainsKey(name), $"/metrics lacks {name}:\n{text}");
        }

        Assert.True(samples["vtrack_frames_total"] > 0);
        Assert.True(samples["vtrack_events_total"] > 0);
        Assert.True(samples["vtrack_detector_latency_seconds_count"] > 0);
        Assert.True(samples["vtrack_tracks"] >= 0);
        Assert.True(samples["vtrack_detector_latency_seconds_sum"] > 0, "the real detector takes time on every frame");

        Assert.Equal(1, samples["vtrack_source_state{state=\"running\"}"]);
    }

    [Theory]
    [InlineData("POST", "api/status")]
    [InlineData("PUT", "api/zones")]
    [InlineData("DELETE", "")]
    public async Task NonGetMethods_AreRefused(string method, string path)
    {
        using HttpClient c = Http.Client(live.Server.Address);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}") };
        using HttpResponseMessage r = await c.SendAsync(request);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
        Assert.Contains("GET", r.Content.Headers.Allow);
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(?<labels>\{[^}]*\})? (?<value>[-+0-9.eE]+|NaN)$", RegexOptions.Multiline)]
    private static partial Regex MetricLine();
}
