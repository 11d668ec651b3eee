using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;
using NATS.Client.Core;
using NATS.Client.JetStream;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;

namespace VisionTracker.Cluster;

/// <summary>
/// Publishes events on <c>vtrack.events.CAMERA.ZONE</c> (JetStream, stream <see cref="ClusterNames.EventsStream"/>) and,
/// when MQTT is configured, on <c>vtrack/events/CAMERA/ZONE</c> at QoS 1. The payload is the events JSONL line
/// byte for byte; the event id travels in the <c>Nats-Msg-Id</c> header (JetStream drops a repeat within its
/// 2-minute duplicate window) and in the MQTT v5 user property <c>id</c>. Publishing runs on a background task so
/// the pipeline's writer stage never waits for the network.
/// </summary>
public sealed class EventPublisher : IAsyncDisposable
{
    private static readonly JsonSerializerOptions JsonlOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly INatsJSContext _js;
    private readonly IMqttClient? _mqtt;
    private readonly Channel<Outgoing> _queue = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;
    private readonly Action<string> _warn;
    private long _published;

    private EventPublisher(INatsJSContext js, IMqttClient? mqtt, Action<string> warn)
    {
        _js = js;
        _mqtt = mqtt;
        _warn = warn;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Events published so far (to NATS).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Connects to MQTT when <paramref name="mqttUrl"/> is given (mqtt://HOST:PORT) and starts publishing.</summary>
    public static async Task<EventPublisher> CreateAsync(ClusterConnection cluster, string? mqttUrl, string clientId, Action<string> warn, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        IMqttClient? mqtt = null;
        if (mqttUrl is not null)
        {
            mqtt = await ConnectMqttAsync(mqttUrl, clientId, ct).ConfigureAwait(false);
        }

        return new EventPublisher(cluster.JetStream, mqtt, warn);
    }

    /// <summary>Connects an MQTT v5 client to <paramref name="url"/> (mqtt://[user:pass@]HOST:PORT, mqtts:// for TLS).</summary>
    public static async Task<IMqttClient> ConnectMqttAsync(string url, string clientId, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Host.Length == 0)
        {
            throw new VisionTrackerException($"--mqtt '{url}' is not an MQTT URL: give mqtt://HOST:PORT (or mqtts://HOST:PORT).");
        }

        int port = uri.Port > 0 ? uri.Port : uri.Scheme == "mqtts" ? 8883 : 1883;
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(uri.Host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(5));
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            string[] up = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
            builder = builder.WithCredentials(up[0], up.Length > 1 ? up[1] : string.Empty);
        }

        if (uri.Scheme == "mqtts")
        {
            builder = builder.WithTlsOptions(o => o.UseTls());
        }

        IMqttClient client = new MqttClientFactory().CreateMqttClient();
        try
        {
            await client.ConnectAsync(builder.Build(), ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            client.Dispose();
            throw new VisionTrackerException($"Cannot connect to MQTT at {uri.Scheme}://{uri.Host}:{port}: {ClusterConnection.FirstLine(ex)}.", ex);
        }

        return client;
    }

    /// <summary>A pipeline sink that publishes every event as <paramref name="camera"/>'s, with ids <c>SCOPE:SEQ</c>.</summary>
    /// <param name="camera">Camera name (subject token); jobs use <c>job-ID</c>.</param>
    /// <param name="scope">Id prefix, unique per run: a job's id (a redo publishes the same ids) or the camera's claim epoch.</param>
    public IFrameSink CreateSink(string camera, string scope) => new Sink(this, camera, scope);

    /// <summary>Flushes what is queued and disconnects MQTT.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        if (_mqtt is not null)
        {
            try
            {
                await _mqtt.DisconnectAsync().ConfigureAwait(false);
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
            }

            _mqtt.Dispose();
        }
    }

    private void Enqueue(string camera, string id, object e)
    {
        object record = EventsJsonlSink.ToRecord(e);
        string? zone = e is ShelfEvent s ? s.Zone : null;
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, JsonlOptions);
        _queue.Writer.TryWrite(new Outgoing(ClusterNames.EventSubject(camera, zone), ClusterNames.EventTopic(camera, zone), id, json));
    }

    private async Task PumpAsync()
    {
        await foreach (Outgoing o in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                var headers = new NatsHeaders { ["Nats-Msg-Id"] = o.Id };
                var ack = await _js.PublishAsync(o.Subject, o.Json, headers: headers).ConfigureAwait(false);
                ack.EnsureSuccess();
                Interlocked.Increment(ref _published);
            }
            catch (NatsException ex)
            {
                _warn($"event {o.Id} not published to NATS: {ClusterConnection.FirstLine(ex)}");
            }

            if (_mqtt is not null)
            {
                try
                {
                    var msg = new MqttApplicationMessageBuilder()
                        .WithTopic(o.Topic)
                        .WithPayload(o.Json)
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithContentType("application/json")
                        .WithUserProperty("id", new ReadOnlyMemory<byte>(System.Text.Encoding.UTF8.GetBytes(o.Id)))
                        .Build();
                    await _mqtt.PublishAsync(msg).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
                {
                    _warn($"event {o.Id} not published to MQTT: {ClusterConnection.FirstLine(ex)}");
                }
            }
        }
    }

    private sealed record Outgoing(string Subject, string Topic, string Id, byte[] Json);

    private sealed class Sink(EventPublisher owner, string camera, string scope) : IFrameSink, IEventSink
    {
        private long _seq;

        public void Write(FrameResult result)
        {
            ArgumentNullException.ThrowIfNull(result);
            WriteEvents(result.Events);
        }

        public void WriteEvents(IReadOnlyList<object> events)
        {
            ArgumentNullException.ThrowIfNull(events);
            foreach (object e in events)
            {
                owner.Enqueue(camera, $"{scope}:{++_seq}", e);
            }
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
