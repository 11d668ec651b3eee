namespace VisionTracker.Monitor;

/// <summary>Settings of the live dashboard: where it listens, who may read it, and how much it sends.</summary>
public sealed record MonitorOptions
{
    /// <summary>The environment variable read for the bearer token when <see cref="Token"/> is not set.</summary>
    public const string TokenEnvironmentVariable = "VTRACK_TOKEN";

    /// <summary>
    /// Address to listen on: <c>HOST:PORT</c> or <c>http://HOST:PORT</c>, where HOST is <c>localhost</c> or an IP
    /// literal (<c>[::1]</c> for IPv6). Port 0 picks a free port (see <see cref="MonitorServer.Address"/>).
    /// </summary>
    public string Listen { get; init; } = "127.0.0.1:8080";

    /// <summary>Allows a non-loopback <see cref="Listen"/> address. A bearer token is then mandatory.</summary>
    public bool AllowRemote { get; init; }

    /// <summary>
    /// Bearer token every request must carry (<c>Authorization: Bearer …</c>, or <c>?token=…</c> for the stream
    /// image and the event source, which cannot send headers). Null: <see cref="TokenEnvironmentVariable"/>, and
    /// when neither is set on a loopback address, no token is asked for.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>How many recent events the dashboard keeps for new viewers and <c>/api/events</c>.</summary>
    public int EventsCapacity { get; init; } = 200;

    /// <summary>JPEG quality of the stream, 1-100.</summary>
    public int JpegQuality { get; init; } = 75;

    /// <summary>Most annotated frames encoded per second; frames in between are not drawn or encoded.</summary>
    public double MaxStreamFps { get; init; } = 10;

    /// <summary>
    /// How long one send to an <c>/stream.mjpg</c> or <c>/events</c> viewer may stay blocked (the viewer is not
    /// reading) before that viewer is disconnected and counted in <c>vtrack_http_clients_dropped_total</c>. Nothing
    /// is queued for a stalled viewer beyond the socket buffers: the stream keeps only the latest frame, and the
    /// event feed at most 256 events per viewer (a viewer that falls that far behind is disconnected too, and its
    /// browser resumes from Last-Event-ID).
    /// </summary>
    public TimeSpan SlowClientTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
