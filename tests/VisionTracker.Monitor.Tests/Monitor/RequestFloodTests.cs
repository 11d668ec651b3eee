using System.Net;
using Xunit.Abstractions;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>A bounded request flood against the dashboard of a real live pipeline: the pipeline keeps processing frames.</summary>
[Trait("Category", Categories.RealData)]
[Collection(LiveMonitorCollection.Name)]
public sealed class RequestFloodTests(LiveMonitorFixture live, ITestOutputHelper output)
{
    private const int Workers = 32;
    private const int MinRequests = 2_000;
    private const int MaxRequests = 20_000;
    private const long FramesOfProgress = 10;

    private static readonly string[] Paths =
        ["api/status", "api/events?since=0", "api/events?since=3&token=x", "api/zones", "metrics", "healthz", "", "api/events?since=-1&since=%zz"];

    [Fact]
    public async Task Flood_DoesNotStallThePipeline()
    {
        using HttpClient warm = Http.Client(live.Server.Address);
        await Http.Eventually(async () => (await Http.GetJson(warm, "api/status")).GetProperty("frames").GetInt64() > 0, "the pipeline running before the flood");

        // 32 connections send requests back to back. The flood stops once the pipeline has processed 10 more frames
        // (but not before 2 000 requests), or after 20 000 requests: a pipeline stalled by the flood never gets there.
        long startFrames = live.Hub.GetStatus().Frames;
        int sent = 0, failed = 0;
        bool Done() => Volatile.Read(ref sent) >= MaxRequests
            || (Volatile.Read(ref sent) >= MinRequests && live.Hub.GetStatus().Frames >= startFrames + FramesOfProgress);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Workers };
        using var client = new HttpClient(handler) { BaseAddress = live.Server.Address, Timeout = Http.Bound };
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (int i = w; !Done(); i += Workers)
            {
                Interlocked.Increment(ref sent);
                using HttpResponseMessage r = await client.GetAsync(Paths[i % Paths.Length], bound.Token);
                _ = await r.Content.ReadAsByteArrayAsync(bound.Token);
                if (r.StatusCode != HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers);
        long framesAtEnd = live.Hub.GetStatus().Frames;
        output.WriteLine($"flood: {sent} requests on {Workers} connections, {failed} not OK; pipeline frames {startFrames} -> {framesAtEnd}");

        live.AssertPipelineAlive();
        Assert.Equal(0, failed);
        Assert.True(sent >= MinRequests, $"only {sent} requests were sent");
        Assert.True(
            framesAtEnd >= startFrames + FramesOfProgress,
            $"the pipeline processed {framesAtEnd - startFrames} frames during a flood of {sent} requests; expected at least {FramesOfProgress}");
    }
}
