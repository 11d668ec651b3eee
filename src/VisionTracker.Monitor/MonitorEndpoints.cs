using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace VisionTracker.Monitor;

/// <summary>The dashboard's GET endpoints.</summary>
internal static class MonitorEndpoints
{
    /// <summary>Multipart boundary of <c>/stream.mjpg</c>.</summary>
    public const string Boundary = "vtframe";

    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);
    private static readonly byte[] FirstBoundary = Encoding.ASCII.GetBytes("--" + Boundary + "\r\n");
    private static readonly byte[] PartEnd = Encoding.ASCII.GetBytes("\r\n--" + Boundary + "\r\n");

    public static void Map(IEndpointRouteBuilder app, LiveHub hub, CancellationToken stopping)
    {
        app.MapGet("/", (HttpContext ctx) =>
        {
            ctx.Response.Headers.ContentSecurityPolicy = DashboardPage.ContentSecurityPolicy;
            ctx.Response.ContentType = "text/html; charset=utf-8";
            return ctx.Response.WriteAsync(DashboardPage.Html, ctx.RequestAborted);
        });
        app.MapGet("/healthz", (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; charset=utf-8";
            return ctx.Response.WriteAsync("ok\n", ctx.RequestAborted);
        });
        app.MapGet("/api/status", (HttpContext ctx) => WriteJson(ctx, hub.GetStatus()));
        app.MapGet("/api/zones", (HttpContext ctx) => WriteJson(ctx, ZonesView(hub)));
        app.MapGet("/api/events", (HttpContext ctx) => WriteJson(ctx, hub.RecentEvents(SinceId(ctx.Request))));
        app.MapGet("/metrics", async (HttpContext ctx) =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await hub.Metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
        });
        app.MapGet("/stream.mjpg", (HttpContext ctx) => StreamAsync(ctx, hub, stopping));
        app.MapGet("/events", (HttpContext ctx) => EventsAsync(ctx, hub, stopping));
    }

    /// <summary>
    /// Several cameras: each camera's endpoints under <c>/cameras/NAME/</c>, and <c>api/cameras</c> (at the root and
    /// under each camera, so the page finds it by a relative path) with every camera's health and zone counts.
    /// One camera (<paramref name="cameras"/> null): <c>/api/cameras</c> answers an empty list.
    /// </summary>
    public static void MapCameras(IEndpointRouteBuilder app, MonitorCameras? cameras, LiveHub root, CancellationToken stopping)
    {
        if (cameras is null)
        {
            app.MapGet("/api/cameras", (HttpContext ctx) => WriteJson(ctx, new { current = (string?)null, cameras = Array.Empty<object>() }));
            return;
        }

        app.MapGet("/api/cameras", (HttpContext ctx) => WriteJson(ctx, CamerasView(cameras, root)));
        foreach (LiveHub hub in cameras.Hubs)
        {
            string prefix = MonitorCameras.PathOf(hub.Camera!).TrimEnd('/');
            IEndpointRouteBuilder group = app.MapGroup(prefix);
            Map(group, hub, stopping);
            group.MapGet("/api/cameras", (HttpContext ctx) => WriteJson(ctx, CamerasView(cameras, hub)));
        }
    }

    private static object CamerasView(MonitorCameras cameras, LiveHub current) => new
    {
        current = current.Camera,
        cameras = cameras.Hubs.Select(h =>
        {
            MonitorStatus s = h.GetStatus();
            return new
            {
                name = h.Camera,
                path = MonitorCameras.PathOf(h.Camera!),
                state = s.SourceState,
                fps = s.Fps,
                frames = s.Frames,
                droppedFrames = s.DroppedFrames,
                reconnects = s.Reconnects,
                tracks = s.Tracks,
                events = s.Events,
                cameraMotion = s.CameraMotion,
                zones = h.ZoneCounts,
            };
        }).ToList(),
    };

    private static Task WriteJson<T>(HttpContext ctx, T value)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(ctx.Response.Body, value, LiveHub.Json, ctx.RequestAborted);
    }

    private static object ZonesView(LiveHub hub)
    {
        IReadOnlyDictionary<string, int> counts = hub.ZoneCounts;
        return hub.Zones.Select(z => new
        {
            name = z.Name,
            points = z.Points.Select(p => new[] { p.X, p.Y }).ToArray(),
            count = counts.TryGetValue(z.Name, out int n) ? n : 0,
        }).ToArray();
    }

    /// <summary>The SSE <c>Last-Event-ID</c> header, or <c>?since=</c>, or 0.</summary>
    internal static long SinceId(HttpRequest request)
    {
        string? s = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["since"].FirstOrDefault();
        return long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : 0;
    }

    /// <summary>
    /// multipart/x-mixed-replace: each part is one JPEG, sent as soon as the hub encodes a newer one. The boundary
    /// is written right after each image so browsers show it without waiting for the next part.
    /// </summary>
    private static async Task StreamAsync(HttpContext ctx, LiveHub hub, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        CancellationToken ct = cts.Token;
        using var guard = new StallGuard(ct, hub.SlowClientTimeout);
        using IDisposable client = hub.TrackStreamClient();
        ctx.Response.ContentType = "multipart/x-mixed-replace; boundary=" + Boundary;
        Stream body = ctx.Response.Body;
        try
        {
            await body.WriteAsync(FirstBoundary, guard.Arm()).ConfigureAwait(false);
            guard.Disarm();
            long seq = 0;
            while (!ct.IsCancellationRequested)
            {
                // Only the latest frame is ever sent: a slow viewer skips frames, nothing queues up for it.
                LiveHub.JpegFrame f = await hub.NextJpegAsync(seq, ct).ConfigureAwait(false);
                seq = f.Sequence;
                byte[] head = Encoding.ASCII.GetBytes(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Content-Type: image/jpeg\r\nContent-Length: {f.Data.Length}\r\nX-Frame-Index: {f.FrameIndex}\r\n\r\n"));
                CancellationToken send = guard.Arm();
                await body.WriteAsync(head, send).ConfigureAwait(false);
                await body.WriteAsync(f.Data, send).ConfigureAwait(false);
                await body.WriteAsync(PartEnd, send).ConfigureAwait(false);
                await body.FlushAsync(send).ConfigureAwait(false);
                guard.Disarm();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && guard.Stalled)
        {
            Drop(ctx, hub, "stream", "stalled");
        }
        catch (OperationCanceledException)
        {
            // The viewer left, the server is stopping, or the hub was disposed.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
    }

    /// <summary>Server-Sent Events: the backlog after Last-Event-ID first, then each new event; a comment every 15 s keeps proxies open.</summary>
    private static async Task EventsAsync(HttpContext ctx, LiveHub hub, CancellationToken stopping)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        CancellationToken ct = cts.Token;
        using var guard = new StallGuard(ct, hub.SlowClientTimeout);
        using LiveHub.EventSubscription sub = hub.SubscribeEvents();
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers["X-Accel-Buffering"] = "no";
        long lastId = SinceId(ctx.Request);
        try
        {
            CancellationToken send = guard.Arm();
            await ctx.Response.WriteAsync("retry: 2000\n: connected\n\n", send).ConfigureAwait(false);
            foreach (LiveEvent e in hub.RecentEvents(lastId))
            {
                await WriteEvent(ctx.Response, e, send).ConfigureAwait(false);
                lastId = e.Id;
            }

            await ctx.Response.Body.FlushAsync(send).ConfigureAwait(false);
            guard.Disarm();
            while (!ct.IsCancellationRequested)
            {
                bool more;
                using (var beat = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    beat.CancelAfter(Heartbeat);
                    try
                    {
                        more = await sub.Reader.WaitToReadAsync(beat.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        send = guard.Arm();
                        await ctx.Response.WriteAsync(": ping\n\n", send).ConfigureAwait(false);
                        await ctx.Response.Body.FlushAsync(send).ConfigureAwait(false);
                        guard.Disarm();
                        continue;
                    }
                }

                if (!more)
                {
                    if (sub.Overflowed)
                    {
                        // 256 events behind: close rather than queue more; the browser reconnects with Last-Event-ID.
                        Drop(ctx, hub, "events", "overflow");
                    }

                    break;
                }

                send = guard.Arm();
                while (sub.Reader.TryRead(out LiveEvent? e))
                {
                    if (e.Id > lastId)
                    {
                        await WriteEvent(ctx.Response, e, send).ConfigureAwait(false);
                        lastId = e.Id;
                    }
                }

                await ctx.Response.Body.FlushAsync(send).ConfigureAwait(false);
                guard.Disarm();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && guard.Stalled)
        {
            Drop(ctx, hub, "events", "stalled");
        }
        catch (OperationCanceledException)
        {
            // The viewer left or the server is stopping.
        }
        catch (IOException)
        {
            // The connection broke mid-write.
        }
    }

    /// <summary>Disconnects a viewer that is not keeping up, and counts it in <c>vtrack_http_clients_dropped_total</c>.</summary>
    private static void Drop(HttpContext ctx, LiveHub hub, string endpoint, string reason)
    {
        hub.Metrics.CountDroppedClient(endpoint, reason);
        ctx.Abort();
    }

    private static Task WriteEvent(HttpResponse response, LiveEvent e, CancellationToken ct)
    {
        // Compact JSON has no raw newlines (they are escaped inside strings), so one data: line is enough.
        string json = JsonSerializer.Serialize(e, LiveHub.Json);
        return response.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"id: {e.Id}\ndata: {json}\n\n"), ct);
    }

    /// <summary>
    /// Cancels the sends to one viewer when a single send stays blocked longer than the slow-client timeout (the
    /// viewer stopped reading and the socket buffers are full). Armed around each send, disarmed while waiting for
    /// the next frame or event, so an idle feed is never mistaken for a stalled one.
    /// </summary>
    private sealed class StallGuard(CancellationToken ct, TimeSpan timeout) : IDisposable
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        private int _stalled;

        /// <summary>
        /// True when the guard's timer fired (not the viewer leaving or the server stopping). Decided when it fires:
        /// a cancelled write makes the server abort the request, so checking the request's token later can race.
        /// </summary>
        public bool Stalled => Volatile.Read(ref _stalled) == 1;

        public CancellationToken Arm()
        {
            if (_registration == default)
            {
                _registration = _cts.Token.Register(() =>
                {
                    if (!ct.IsCancellationRequested)
                    {
                        Volatile.Write(ref _stalled, 1);
                    }
                });
            }

            _cts.CancelAfter(timeout);
            return _cts.Token;
        }

        public void Disarm() => _cts.CancelAfter(Timeout.InfiniteTimeSpan);

        public void Dispose()
        {
            _registration.Dispose();
            _cts.Dispose();
        }

        private CancellationTokenRegistration _registration;
    }
}
