using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Pipeline;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// Viewers that stop reading are disconnected and counted, not buffered for without bound; the token check.
/// Fast: a hub fed synthetic frames and events, a server on a free loopback port, raw sockets that never read.
/// </summary>
public sealed class SlowClientTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public async Task StalledStreamViewer_IsDisconnectedAndCounted_WhileAReadingViewerKeepsGettingFrames()
    {
        using var hub = new LiveHub(new MonitorOptions { MaxStreamFps = 1000, JpegQuality = 95, SlowClientTimeout = TimeSpan.FromSeconds(1) });
        await using MonitorServer server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, hub, NoEnvironment, CancellationToken.None);
        using Socket stalled = await OpenNonReading(server.Address, "/stream.mjpg");
        using var feeding = new CancellationTokenSource();
        Task feed = Task.Run(() => FeedNoiseFrames(hub, feeding.Token));
        try
        {
            using HttpClient c = Http.Client(server.Address);
            await Http.Eventually(async () => Dropped(await Metrics(c), "stream", "stalled") >= 1, "the stalled /stream.mjpg viewer dropped and counted");
            await Http.Eventually(() => Task.FromResult(hub.GetStatus().StreamClients == 0), "no stream client left open");
            Assert.True(await ClosedByServer(stalled), "the server should have closed the stalled viewer's connection");

            // A viewer that reads still gets whole frames after the drop.
            using var cts = new CancellationTokenSource(Http.Bound);
            using HttpResponseMessage r = await c.GetAsync("stream.mjpg", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using Stream body = await r.Content.ReadAsStreamAsync(cts.Token);
            byte[] buf = new byte[64 * 1024];
            int total = 0;
            while (total < buf.Length && !Encoding.ASCII.GetString(buf, 0, total).Contains("Content-Length:", StringComparison.Ordinal))
            {
                int n = await body.ReadAsync(buf.AsMemory(total), cts.Token);
                Assert.True(n > 0, "the reading viewer's stream ended");
                total += n;
            }
        }
        finally
        {
            await feeding.CancelAsync();
            await feed;
        }
    }

    [Fact]
    public async Task StalledEventViewer_IsDisconnectedAndCounted()
    {
        using var hub = new LiveHub(new MonitorOptions { SlowClientTimeout = TimeSpan.FromSeconds(1) });
        await using MonitorServer server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, hub, NoEnvironment, CancellationToken.None);
        using Socket stalled = await OpenNonReading(server.Address, "/events");
        using HttpClient c = Http.Client(server.Address);
        await Http.Eventually(() => Task.FromResult(hub.GetStatus().EventClients == 1), "the /events viewer subscribed");

        // Large events until the viewer's socket buffers and its queue are full (bounded: at most 20 000 events).
        string payload = new('x', 16 * 1024);
        double dropped = 0;
        for (int i = 0; i < 20_000 && dropped < 1; i++)
        {
            hub.Publish(new { n = i, payload });
            if (i % 100 == 99)
            {
                string m = await Metrics(c);
                dropped = Dropped(m, "events", "stalled") + Dropped(m, "events", "overflow");
                await Task.Delay(20);
            }
        }

        await Http.Eventually(async () => { string m = await Metrics(c); return Dropped(m, "events", "stalled") + Dropped(m, "events", "overflow") >= 1; }, "the stalled /events viewer dropped and counted");
        await Http.Eventually(() => Task.FromResult(hub.GetStatus().EventClients == 0), "no event client left subscribed");
        Assert.True(await ClosedByServer(stalled), "the server should have closed the stalled viewer's connection");
    }

    [Fact]
    public async Task EventSubscription_ThatFallsAFullQueueBehind_EndsFlaggedInsteadOfDroppingEventsSilently()
    {
        using var hub = new LiveHub();
        using LiveHub.EventSubscription sub = hub.SubscribeEvents();
        for (int i = 0; i < 300; i++)
        {
            hub.Publish(new { n = i });
        }

        Assert.True(sub.Overflowed);
        var got = new List<long>();
        using var cts = new CancellationTokenSource(Http.Bound);
        while (await sub.Reader.WaitToReadAsync(cts.Token))
        {
            while (sub.Reader.TryRead(out LiveEvent? e))
            {
                got.Add(e.Id);
            }
        }

        // The first 256 arrive in order, then the feed ends (the endpoint closes the connection; the browser
        // reconnects with Last-Event-ID and gets the rest from the recent-events ring).
        Assert.Equal(Enumerable.Range(1, 256).Select(i => (long)i), got);
    }

    [Fact]
    public async Task EventSubscription_DisposedByTheHub_IsNotAnOverflow()
    {
        var hub = new LiveHub();
        using LiveHub.EventSubscription sub = hub.SubscribeEvents();
        hub.Dispose();
        hub.Publish(new { late = true });
        using var cts = new CancellationTokenSource(Http.Bound);
        Assert.False(await sub.Reader.WaitToReadAsync(cts.Token));
        Assert.False(sub.Overflowed);
    }

    [Theory]
    [InlineData("Bearer s3cret-token", null, true)]
    [InlineData("bearer   s3cret-token  ", null, true)]
    [InlineData(null, "s3cret-token", true)]
    [InlineData("Bearer s3cret-toke", null, false)]
    [InlineData("Bearer s3cret-token2", null, false)]
    [InlineData("Bearer S3CRET-TOKEN", null, false)]
    [InlineData("Bearer ", "s3cret-token", false)]
    [InlineData("Basic s3cret-token", null, false)]
    [InlineData(null, null, false)]
    [InlineData(null, "", false)]
    public void TokenCheck_AcceptsOnlyTheExactToken(string? authorization, string? query, bool expected)
    {
        byte[] hash = System.Security.Cryptography.SHA256.HashData("s3cret-token"u8);
        var ctx = new DefaultHttpContext();
        if (authorization is not null)
        {
            ctx.Request.Headers.Authorization = authorization;
        }

        if (query is not null)
        {
            ctx.Request.QueryString = new QueryString("?token=" + Uri.EscapeDataString(query));
        }

        Assert.Equal(expected, MonitorServer.IsAuthorized(ctx.Request, hash));
    }

    [Fact]
    public void SlowClientTimeout_MustBePositive()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => new LiveHub(new MonitorOptions { SlowClientTimeout = TimeSpan.Zero }));
        Assert.Contains("Slow-client timeout", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>A GET whose response is never read, with the smallest receive buffer the kernel allows.</summary>
    private static async Task<Socket> OpenNonReading(Uri server, string path)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await s.ConnectAsync(server.Host, server.Port);
        await s.SendAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {server.Authority}\r\n\r\n"), SocketFlags.None);
        return s;
    }

    /// <summary>Reads what is left in the socket until the server's close (end of stream or reset); false if it stays open.</summary>
    private static async Task<bool> ClosedByServer(Socket s)
    {
        using var cts = new CancellationTokenSource(Http.Bound);
        byte[] buf = new byte[256 * 1024];
        try
        {
            while (true)
            {
                int n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Noise frames (large JPEGs) as fast as the hub encodes them, until cancelled (at most 20 000).</summary>
    private static void FeedNoiseFrames(LiveHub hub, CancellationToken ct)
    {
        using var img = new Mat(480, 640, MatType.CV_8UC3);
        var tracks = new Detections([new BoxF(10, 10, 60, 90)], [0.9f], [0], trackIds: [7]);
        for (int i = 0; i < 20_000 && !ct.IsCancellationRequested; i++)
        {
            Cv2.Randu(img, Scalar.All(0), Scalar.All(255));
            hub.Write(new FrameResult(new Frame(i, i / 25.0, img), tracks, tracks, []));
            Thread.Sleep(2);
        }
    }

    private static async Task<string> Metrics(HttpClient c) => await c.GetStringAsync("metrics");

    private static double Dropped(string metrics, string endpoint, string reason)
    {
        Match m = Regex.Match(metrics, $"^vtrack_http_clients_dropped_total\\{{endpoint=\"{endpoint}\",reason=\"{reason}\"\\}} (\\S+)$", RegexOptions.Multiline);
        return m.Success ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }
}
