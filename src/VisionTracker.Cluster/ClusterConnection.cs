using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;
using NATS.Client.ObjectStore;
using NATS.Net;

namespace VisionTracker.Cluster;

/// <summary>How to reach the NATS server. Credentials and TLS are passed through to the NATS.Net client unchanged.</summary>
public sealed record ClusterOptions
{
    /// <summary>Default server: loopback only.</summary>
    public const string DefaultUrl = "nats://127.0.0.1:4222";

    /// <summary>Server URL (nats://HOST:PORT, tls://HOST:PORT; user:password@ in the URL is passed through).</summary>
    public string Url { get; init; } = DefaultUrl;

    /// <summary>A NATS credentials file (JWT + NKey seed), or null.</summary>
    public string? CredsFile { get; init; }

    /// <summary>CA bundle (PEM) that signs the server's certificate, or null for the system store.</summary>
    public string? TlsCa { get; init; }

    /// <summary>Client certificate (PEM) for mutual TLS, or null.</summary>
    public string? TlsCert { get; init; }

    /// <summary>Client key (PEM) for mutual TLS, or null.</summary>
    public string? TlsKey { get; init; }

    /// <summary>Connection name shown by the server (for example the worker id).</summary>
    public string Name { get; init; } = "vtrack";

    /// <summary>
    /// AckWait of the jobs consumer (a job not acked or progressed for this long is redelivered). Null keeps the
    /// consumer's current setting (30 s when it is created).
    /// </summary>
    public TimeSpan? JobAckWait { get; init; }

    /// <summary>Deliveries of one job before it is dead-lettered; null keeps the current setting (3 when created).</summary>
    public int? JobMaxDeliver { get; init; }

    /// <summary>
    /// AckWait of the camera consumer (a dead holder's camera is taken over after at most this plus one poll); null
    /// keeps the current setting (10 s when created).
    /// </summary>
    public TimeSpan? CameraAckWait { get; init; }

    /// <summary>Default job AckWait.</summary>
    public static readonly TimeSpan DefaultJobAckWait = TimeSpan.FromSeconds(30);

    /// <summary>Default job MaxDeliver.</summary>
    public const int DefaultJobMaxDeliver = 3;

    /// <summary>Default camera AckWait.</summary>
    public static readonly TimeSpan DefaultCameraAckWait = TimeSpan.FromSeconds(10);
}

/// <summary>
/// One connection to NATS JetStream with the cluster's streams, consumers and buckets created (idempotently) on
/// connect. Errors that are the user's (unreachable URL, no JetStream) become one-line <see cref="VisionTrackerException"/>s.
/// </summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private ClusterConnection(ClusterOptions options, NatsConnection connection, INatsJSContext js)
    {
        Options = options;
        Connection = connection;
        JetStream = js;
    }

    /// <summary>The options used.</summary>
    public ClusterOptions Options { get; }

    /// <summary>The NATS connection.</summary>
    public NatsConnection Connection { get; }

    /// <summary>The JetStream context.</summary>
    public INatsJSContext JetStream { get; }

    /// <summary>Job states.</summary>
    public INatsKVStore Jobs { get; private set; } = null!;

    /// <summary>Camera definitions.</summary>
    public INatsKVStore Cameras { get; private set; } = null!;

    /// <summary>Camera holders and last state.</summary>
    public INatsKVStore CameraState { get; private set; } = null!;

    /// <summary>Result files.</summary>
    public INatsObjStore Results { get; private set; } = null!;

    /// <summary>Uploaded sources.</summary>
    public INatsObjStore Sources { get; private set; } = null!;

    /// <summary>Connects, checks JetStream and creates whatever is missing.</summary>
    /// <exception cref="VisionTrackerException">The server is unreachable or has no JetStream.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("nats" or "tls" or "ws" or "wss"))
        {
            throw new VisionTrackerException($"--nats '{options.Url}' is not a NATS URL: give nats://HOST:PORT (or tls://HOST:PORT).");
        }

        var auth = NatsAuthOpts.Default;
        if (options.CredsFile is { } creds)
        {
            if (!File.Exists(creds))
            {
                throw new VisionTrackerException($"--creds {creds}: file not found.");
            }

            auth = auth with { CredsFile = creds };
        }

        var tls = NatsTlsOpts.Default;
        if (options.TlsCa is not null || options.TlsCert is not null || uri.Scheme == "tls")
        {
            tls = tls with { CaFile = options.TlsCa, CertFile = options.TlsCert, KeyFile = options.TlsKey, Mode = TlsMode.Require };
        }

        var opts = NatsOpts.Default with
        {
            Url = options.Url,
            Name = options.Name,
            AuthOpts = auth,
            TlsOpts = tls,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RetryOnInitialConnect = false,
        };
        var connection = new NatsConnection(opts);
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new VisionTrackerException($"Cannot connect to NATS at {Redact(options.Url)}: {ConnectFailure(ex, options)}", ex);
        }

        INatsJSContext js = connection.CreateJetStreamContext();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await js.GetAccountInfoAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new VisionTrackerException($"NATS at {Redact(options.Url)} has no JetStream ({FirstLine(ex)}): start the server with -js (or a jetstream {{}} block in its config).", ex);
        }

        var c = new ClusterConnection(options, connection, js);
        try
        {
            await c.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await c.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return c;
    }

    /// <summary>Closes the connection.</summary>
    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    /// <summary>The jobs consumer.</summary>
    public ValueTask<INatsJSConsumer> JobsConsumerAsync(CancellationToken cancellationToken) =>
        JetStream.GetConsumerAsync(ClusterNames.JobsStream, ClusterNames.JobsConsumer, cancellationToken);

    /// <summary>The consumer of max-deliveries advisories (see <see cref="ClusterNames.MaxDeliveriesConsumer"/>).</summary>
    public ValueTask<INatsJSConsumer> MaxDeliveriesConsumerAsync(CancellationToken cancellationToken) =>
        JetStream.GetConsumerAsync(ClusterNames.DeadStream, ClusterNames.MaxDeliveriesConsumer, cancellationToken);

    /// <summary>The camera-claims consumer.</summary>
    public ValueTask<INatsJSConsumer> CamerasConsumerAsync(CancellationToken cancellationToken) =>
        JetStream.GetConsumerAsync(ClusterNames.CamerasStream, ClusterNames.CamerasConsumer, cancellationToken);

    /// <summary>Why a connection failed, in one line that names the fix: credentials refused, TLS not trusted, or not reachable.</summary>
    private static string ConnectFailure(Exception ex, ClusterOptions options)
    {
        var chain = new List<Exception>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }

        if (chain.Any(e => e.Message.Contains("Authorization Violation", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("authorization", StringComparison.OrdinalIgnoreCase)))
        {
            return "the server refused the credentials (authorization violation): check the user and password in the URL, or --creds.";
        }

        if (chain.Any(e => e is System.Security.Authentication.AuthenticationException))
        {
            string ca = options.TlsCa is { } f ? $"the CA in --tls-ca {f}" : "the system's trusted CAs";
            return $"TLS failed: the server's certificate is not trusted by {ca} ({FirstLine(chain.Last(e => e is System.Security.Authentication.AuthenticationException))}); pass --tls-ca with the CA that signed it.";
        }

        return $"{FirstLine(ex)}. Start `nats-server -js` there or pass --nats nats://HOST:PORT.";
    }

    internal static string FirstLine(Exception ex) => ex.Message.Split('\n')[0].TrimEnd('.');

    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? u) && !string.IsNullOrEmpty(u.UserInfo) ? url.Replace(u.UserInfo + "@", "***@", StringComparison.Ordinal) : url;

    /// <summary>Creates the consumer when missing; updates AckWait/MaxDeliver only when this process was given them.</summary>
    private async Task EnsureConsumerAsync(string stream, string name, TimeSpan? ackWait, TimeSpan defaultAckWait, int? maxDeliver, int defaultMaxDeliver, string description, CancellationToken ct)
    {
        ConsumerConfig? current = null;
        try
        {
            current = (await JetStream.GetConsumerAsync(stream, name, ct).ConfigureAwait(false)).Info.Config;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
        }

        if (current is not null && ackWait is null && maxDeliver is null)
        {
            return;
        }

        var config = new ConsumerConfig(name)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = ackWait ?? current?.AckWait ?? defaultAckWait,
            MaxDeliver = maxDeliver ?? current?.MaxDeliver ?? defaultMaxDeliver,
            MaxAckPending = 10_000,
            Description = description,
        };
        await JetStream.CreateOrUpdateConsumerAsync(stream, config, ct).ConfigureAwait(false);
    }

    private async Task EnsureAsync(CancellationToken ct)
    {
        await JetStream.CreateOrUpdateStreamAsync(
            new StreamConfig(ClusterNames.JobsStream, [ClusterNames.JobsSubject])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
                DuplicateWindow = TimeSpan.FromMinutes(2),
                Description = "vtrack video jobs (work queue)",
            },
            ct).ConfigureAwait(false);
        await EnsureConsumerAsync(ClusterNames.JobsStream, ClusterNames.JobsConsumer, Options.JobAckWait, ClusterOptions.DefaultJobAckWait, Options.JobMaxDeliver, ClusterOptions.DefaultJobMaxDeliver, "vtrack workers (shared pull consumer)", ct).ConfigureAwait(false);
        await JetStream.CreateOrUpdateStreamAsync(
            new StreamConfig(ClusterNames.DeadStream, [ClusterNames.DeadJobsSubject, ClusterNames.MaxDeliveriesAdvisory])
            {
                Storage = StreamConfigStorage.File,
                MaxAge = TimeSpan.FromDays(30),
                Description = "vtrack dead letters: failed jobs, malformed job messages, max-deliveries advisories",
            },
            ct).ConfigureAwait(false);
        await JetStream.CreateOrUpdateConsumerAsync(
            ClusterNames.DeadStream,
            new ConsumerConfig(ClusterNames.MaxDeliveriesConsumer)
            {
                AckPolicy = ConsumerConfigAckPolicy.Explicit,
                FilterSubject = ClusterNames.MaxDeliveriesAdvisory,
                AckWait = TimeSpan.FromSeconds(30),
                Description = "vtrack workers: mark the job of each max-deliveries advisory failed",
            },
            ct).ConfigureAwait(false);
        await JetStream.CreateOrUpdateStreamAsync(
            new StreamConfig(ClusterNames.CamerasStream, [ClusterNames.CameraClaimPrefix + ".*"])
            {
                Retention = StreamConfigRetention.Workqueue,
                Storage = StreamConfigStorage.File,
                DuplicateWindow = TimeSpan.FromMinutes(2),
                Description = "vtrack camera claims: one message per camera, held by its worker with in-progress acks",
            },
            ct).ConfigureAwait(false);
        await EnsureConsumerAsync(ClusterNames.CamerasStream, ClusterNames.CamerasConsumer, Options.CameraAckWait, ClusterOptions.DefaultCameraAckWait, -1, -1, "vtrack camera holders", ct).ConfigureAwait(false);
        await JetStream.CreateOrUpdateStreamAsync(
            new StreamConfig(ClusterNames.EventsStream, [ClusterNames.EventsPrefix + ".>"])
            {
                Storage = StreamConfigStorage.File,
                MaxAge = TimeSpan.FromDays(7),
                DuplicateWindow = TimeSpan.FromMinutes(2),
                Description = "vtrack events for replay (Nats-Msg-Id = event id)",
            },
            ct).ConfigureAwait(false);

        var kv = JetStream.CreateKeyValueStoreContext();
        Jobs = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(ClusterNames.JobsBucket) { History = 1, Storage = NatsKVStorageType.File }, ct).ConfigureAwait(false);
        Cameras = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(ClusterNames.CamerasBucket) { History = 1, Storage = NatsKVStorageType.File }, ct).ConfigureAwait(false);
        CameraState = await kv.CreateOrUpdateStoreAsync(new NatsKVConfig(ClusterNames.CameraStateBucket) { History = 1, Storage = NatsKVStorageType.File }, ct).ConfigureAwait(false);
        var obj = JetStream.CreateObjectStoreContext();
        Results = await obj.CreateObjectStoreAsync(new NatsObjConfig(ClusterNames.ResultsBucket) { Storage = NatsObjStorageType.File }, ct).ConfigureAwait(false);
        Sources = await obj.CreateObjectStoreAsync(new NatsObjConfig(ClusterNames.SourcesBucket) { Storage = NatsObjStorageType.File }, ct).ConfigureAwait(false);
    }
}
