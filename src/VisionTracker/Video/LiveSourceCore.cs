using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Reading, range/stride, wall-clock timestamps and bounded reconnect with exponential backoff, shared by
/// <see cref="CameraSource"/> and <see cref="StreamSource"/>. Reopening goes through <c>open</c>, so tests can fake it.
/// </summary>
internal sealed class LiveSourceCore : IDisposable
{
    private readonly Func<ICapture?> _open;
    private readonly FrameSourceOptions _options;
    private readonly string _name;
    private readonly Stopwatch _clock;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private ICapture? _capture;
    private long _next;
    private double _lastTimestamp = -1;

    /// <summary>Opens the source once; throws <paramref name="openFailure"/>'s message when it does not open.</summary>
    public LiveSourceCore(string name, FrameSourceKind kind, Func<ICapture?> open, FrameSourceOptions options, Func<string> openFailure, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        options.Validate();
        _name = name;
        _open = open;
        _options = options;
        _delay = delay ?? Task.Delay;
        _capture = open() ?? throw new VisionTrackerException(openFailure());
        _clock = Stopwatch.StartNew();
        double fps = _capture.Fps;
        Info = new FrameSourceInfo(name, kind, _capture.Width, _capture.Height, fps > 0 && double.IsFinite(fps) ? fps : 25, options.EndFrame is { } end ? options.CountSelected(end) : null);
    }

    public event EventHandler<LiveSourceState>? StateChanged;

    public FrameSourceInfo Info { get; }

    public LiveSourceState State { get; private set; } = LiveSourceState.Connected;

    public int Reconnects { get; private set; }

    public Frame? Read(CancellationToken cancellationToken)
    {
        if (State == LiveSourceState.Failed)
        {
            throw FailedError();
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long i = _next;
            if (_options.IsPastEnd(i))
            {
                return null;
            }

            var mat = new Mat();
            if (_capture is null || !_capture.Read(mat))
            {
                mat.Dispose();
                Reconnect(cancellationToken);
                continue;
            }

            _next++;
            if (!_options.Selects(i))
            {
                mat.Dispose();
                continue;
            }

            // Wall clock since open, forced strictly increasing (two frames can arrive within the clock's resolution).
            double t = Math.Max(_clock.Elapsed.TotalSeconds, _lastTimestamp + 1e-6);
            _lastTimestamp = t;
            return new Frame(i, t, mat);
        }
    }

    public void Dispose()
    {
        _capture?.Dispose();
        _capture = null;
    }

    private void Reconnect(CancellationToken cancellationToken)
    {
        _capture?.Dispose();
        _capture = null;
        SetState(LiveSourceState.Reconnecting);
        TimeSpan backoff = _options.ReconnectInitialBackoff;
        for (int attempt = 1; attempt <= _options.ReconnectAttempts; attempt++)
        {
            _delay(backoff, cancellationToken).GetAwaiter().GetResult();
            cancellationToken.ThrowIfCancellationRequested();
            _capture = _open();
            if (_capture is not null)
            {
                Reconnects++;
                SetState(LiveSourceState.Connected);
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectMaxBackoff.Ticks));
        }

        SetState(LiveSourceState.Failed);
        throw FailedError();
    }

    private VisionTrackerException FailedError() => new(string.Create(CultureInfo.InvariantCulture, $"{_name} stopped delivering frames and did not come back after {_options.ReconnectAttempts} reconnect attempts: check that the camera or stream server is up, or raise the reconnect attempts."));

    private void SetState(LiveSourceState state)
    {
        if (State != state)
        {
            State = state;
            StateChanged?.Invoke(this, state);
        }
    }
}
