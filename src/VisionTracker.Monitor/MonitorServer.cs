using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VisionTracker.Monitor;

/// <summary>
/// The live dashboard: Kestrel in this process serving <c>/</c>, <c>/stream.mjpg</c>, <c>/events</c>,
/// <c>/api/status</c>, <c>/api/zones</c>, <c>/api/events</c>, <c>/metrics</c> and <c>/healthz</c> from a
/// <see cref="LiveHub"/>. Read-only: every method other than GET is answered 405.
/// </summary>
/// <remarks>
/// Loopback addresses need nothing. Any other address needs <see cref="MonitorOptions.AllowRemote"/> and a token;
/// whenever a token is set, every request without it gets 401.
/// </remarks>
/// <example>
/// Wiring a live run:
/// <code>
/// var options = new MonitorOptions { Listen = "127.0.0.1:8080" };
/// using var hub = new LiveHub(options);
/// await using var server = await MonitorServer.StartAsync(options, hub, ct);
/// hub.SetZones(zones.Select(z =&gt; new MonitorZone(z.Name, z.Polygon.Select(p =&gt; (p.X, p.Y)).ToList())).ToList());
/// hub.ObserveSource(() =&gt; source.State.ToString().ToLowerInvariant(), () =&gt; source.Reconnects);
/// var pipeline = new TrackingPipeline(source, detector, tracker, observers, sinks: [hub, jsonlWriter],
///     options: new PipelineOptions { Mode = PipelineMode.Live });
/// hub.UsePipelineStats(() =&gt; pipeline.Stats);
/// await pipeline.RunAsync(ct);   // zone observers call hub.SetZoneCounts(...) as counts change
/// </code>
/// </example>
public sealed class MonitorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsHub;
    private int _stopped;

    private MonitorServer(WebApplication app, LiveHub hub, bool ownsHub, Uri address, bool requiresToken)
    {
        _app = app;
        Hub = hub;
        _ownsHub = ownsHub;
        Address = address;
        RequiresToken = requiresToken;
    }

    /// <summary>The hub to add to the pipeline's sinks, and to tell the source state, reconnects and zones.</summary>
    public LiveHub Hub { get; }

    /// <summary>The bound address, for example <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>Whether requests must carry the bearer token.</summary>
    public bool RequiresToken { get; }

    /// <summary>
    /// Checks the binding rules and starts listening. Pass the <paramref name="hub"/> that is in the pipeline's
    /// sinks, or none to have the server make (and dispose) one from <paramref name="options"/>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The address is malformed, remote without permission or token, or in use.</exception>
    public static Task<MonitorServer> StartAsync(MonitorOptions options, LiveHub? hub = null, CancellationToken cancellationToken = default) =>
        StartAsync(options, hub, Environment.GetEnvironmentVariable, cancellationToken);

    /// <summary>
    /// Starts one dashboard for several cameras: the first camera at <c>/</c>, each at <c>/cameras/NAME/</c> (the same
    /// endpoints), <c>/api/cameras</c> with every camera's health and zone counts, and <c>/metrics</c> with a
    /// <c>camera</c> label. <see cref="Hub"/> is the first camera's; the caller disposes <paramref name="cameras"/>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The address is malformed, remote without permission or token, or in use.</exception>
    public static Task<MonitorServer> StartAsync(MonitorOptions options, MonitorCameras cameras, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        if (cameras.Hubs.Count == 0)
        {
            throw new ArgumentException("No cameras to serve.", nameof(cameras));
        }

        return StartAsync(options, cameras.Hubs[0], cameras, Environment.GetEnvironmentVariable, cancellationToken);
    }

    /// <summary>As the public overload, with the environment lookup made explicit for tests.</summary>
    internal static Task<MonitorServer> StartAsync(MonitorOptions options, LiveHub? hub, Func<string, string?> environment, CancellationToken cancellationToken) =>
        StartAsync(options, hub, null, environment, cancellationToken);

    private static async Task<MonitorServer> StartAsync(MonitorOptions options, LiveHub? hub, MonitorCameras? cameras, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ListenAddress listen = ListenAddress.Parse(options.Listen);
        string? token = ResolveToken(options, listen, environment);

        bool ownsHub = hub is null;
        hub ??= new LiveHub(options);
        WebApplication app = Build(listen, hub, cameras, token);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            if (ownsHub)
            {
                hub.Dispose();
            }

            throw new VisionTrackerException($"Cannot listen on {options.Listen}: {ex.Message}. Pick another port (for example --http 127.0.0.1:8081).", ex);
        }

        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel reported no address.");
        return new MonitorServer(app, hub, ownsHub, new Uri(bound.EndsWith('/') ? bound : bound + "/"), token is not null);
    }

    /// <summary>Stops listening; open streams and event feeds are closed.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_ownsHub)
        {
            Hub.Dispose();
        }
    }

    /// <summary>The token requests must carry, or null for none; enforces the binding rules.</summary>
    internal static string? ResolveToken(MonitorOptions options, ListenAddress listen, Func<string, string?> environment)
    {
        string? token = options.Token ?? environment(MonitorOptions.TokenEnvironmentVariable);
        if (token is not null && string.IsNullOrWhiteSpace(token))
        {
            throw new VisionTrackerException("The dashboard token is empty: pass a non-empty --token or VTRACK_TOKEN.");
        }

        if (!listen.IsLoopback)
        {
            if (!options.AllowRemote)
            {
                throw new VisionTrackerException(
                    $"Listening on {options.Listen} would open the dashboard to other machines: pass --allow-remote with --token (or VTRACK_TOKEN), or listen on 127.0.0.1.");
            }

            if (token is null)
            {
                throw new VisionTrackerException(
                    $"Listening on {options.Listen} with --allow-remote needs a bearer token: pass --token or set {MonitorOptions.TokenEnvironmentVariable}.");
            }
        }

        return token;
    }

    /// <summary>True when the request carries the token as <c>Authorization: Bearer</c> or <c>?token=</c>.</summary>
    internal static bool IsAuthorized(HttpRequest request, byte[] tokenHash)
    {
        string? presented = null;
        string? auth = request.Headers.Authorization;
        if (auth is not null && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            presented = auth["Bearer ".Length..].Trim();
        }
        else if (request.Query.TryGetValue("token", out var q) && q.Count == 1)
        {
            presented = q[0];
        }

        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        // Compare hashes in constant time, so neither the content nor the length of the token leaks through timing.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), tokenHash);
    }

    private static WebApplication Build(ListenAddress listen, LiveHub hub, MonitorCameras? cameras, string? token)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(MonitorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 0;
            k.Limits.MaxConcurrentConnections = 64;

            // Viewers that stop reading are dropped by the endpoints after MonitorOptions.SlowClientTimeout and
            // counted in /metrics; Kestrel's own rate check would close them first, uncounted.
            k.Limits.MinResponseDataRate = null;
            k.Listen(listen.Ip, listen.Port);
        });

        WebApplication app = builder.Build();
        byte[]? tokenHash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        app.Use(async (HttpContext ctx, RequestDelegate next) =>
        {
            IHeaderDictionary h = ctx.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.CacheControl = "no-store";
            h["Referrer-Policy"] = "no-referrer";
            h.XFrameOptions = "DENY";
            if (tokenHash is not null && !IsAuthorized(ctx.Request, tokenHash))
            {
                ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
                h.WWWAuthenticate = "Bearer realm=\"vtrack\"";
                await ctx.Response.WriteAsync("401: this dashboard needs its token (Authorization: Bearer TOKEN, or ?token=TOKEN).\n", ctx.RequestAborted).ConfigureAwait(false);
                return;
            }

            if (!HttpMethods.IsGet(ctx.Request.Method))
            {
                ctx.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                h.Allow = "GET";
                await ctx.Response.WriteAsync("405: the dashboard is read-only; only GET is served.\n", ctx.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(ctx).ConfigureAwait(false);
        });

        CancellationToken stopping = app.Lifetime.ApplicationStopping;
        MonitorEndpoints.Map(app, hub, stopping);
        MonitorEndpoints.MapCameras(app, cameras, hub, stopping);

        return app;
    }
}
