using System.Globalization;

namespace VisionTracker.Video;

/// <summary>
/// Reads an rtsp://, http:// or https:// stream with OpenCV's FFMPEG backend, with an open timeout, a read timeout
/// and, when reads fail, a bounded reconnect with exponential backoff (<see cref="State"/>, <see cref="Reconnects"/>,
/// <see cref="StateChanged"/>). Timestamps are wall-clock seconds since the source opened.
/// </summary>
public sealed class StreamSource : IFrameSource
{
    private readonly LiveSourceCore _core;

    private string? _lastOpenError;

    /// <summary>Opens <paramref name="url"/>; fails within about <see cref="FrameSourceOptions.OpenTimeout"/> when nothing answers.</summary>
    /// <exception cref="VisionTrackerException">The stream did not open, or the options are invalid.</exception>
    public StreamSource(string url, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        _core = CreateCore(url, options, () => OpenCapture(url, options), null);
    }

    /// <summary>Test seam: <paramref name="open"/> opens (and reopens) the capture; <paramref name="delay"/> waits out backoffs.</summary>
    internal StreamSource(string url, FrameSourceOptions options, Func<ICapture?> open, Func<TimeSpan, CancellationToken, Task>? delay)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(options);
        _core = CreateCore(url, options, open, delay);
    }

    /// <summary>Raised when <see cref="State"/> changes (on the reading thread).</summary>
    public event EventHandler<LiveSourceState>? StateChanged;

    /// <inheritdoc/>
    public FrameSourceInfo Info => _core.Info;

    /// <summary>Connected, Reconnecting or Failed.</summary>
    public LiveSourceState State => _core.State;

    /// <summary>How many times the stream was successfully reopened after reads failed.</summary>
    public int Reconnects => _core.Reconnects;

    /// <inheritdoc/>
    /// <exception cref="VisionTrackerException">Reads failed and every reconnect attempt failed too.</exception>
    public Frame? Read(CancellationToken cancellationToken = default) => _core.Read(cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _core.Dispose();

    private LiveSourceCore CreateCore(string url, FrameSourceOptions options, Func<ICapture?> open, Func<TimeSpan, CancellationToken, Task>? delay)
    {
        string name = Redact(url);
        var core = new LiveSourceCore(
            name,
            FrameSourceKind.Stream,
            open,
            options,
            () => string.Create(CultureInfo.InvariantCulture, $"Cannot open stream {name} within {options.OpenTimeout.TotalSeconds:0.#} s: {_lastOpenError ?? "nothing answered, the server refused, or it is not a video stream"}. Check the URL and that the server is up, or raise the open timeout."),
            delay);
        core.StateChanged += (_, s) => StateChanged?.Invoke(this, s);
        return core;
    }

    private ICapture? OpenCapture(string url, FrameSourceOptions options)
    {
        bool useCli = options.StreamBackend == StreamBackend.FfmpegCli || (options.StreamBackend == StreamBackend.Auto && FfmpegCliCapture.FfmpegPath is not null);
        if (useCli)
        {
            var capture = FfmpegCliCapture.Open(url, options, out string? error);
            _lastOpenError = error?.Replace(url, Redact(url), StringComparison.Ordinal);
            return capture;
        }

        var cv = OpenCvCapture.OpenUrl(url, options);
        _lastOpenError = cv is null ? "OpenCV's FFMPEG could not open it (nothing answered, the server refused, or this OpenCV build has no network support: install ffmpeg so vtrack reads streams through it)" : null;
        return cv;
    }

    /// <summary>The URL without user:password, for display and error messages.</summary>
    internal static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo)
            ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : url;
}
