using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using OpenCvSharp;
using VisionTracker.Pipeline;

namespace VisionTracker.Monitor;

/// <summary>
/// The pipeline's sink for the live dashboard. On the writer stage it keeps health counters, draws and encodes at
/// most <see cref="MonitorOptions.MaxStreamFps"/> annotated JPEGs per second (the latest one is what
/// <c>/stream.mjpg</c> sends), and turns every event into a <see cref="LiveEvent"/> kept in a bounded ring and
/// pushed to every <c>/events</c> subscriber. The host reports what the pipeline cannot see: the source state,
/// the reconnect count and the zones.
/// </summary>
/// <remarks>
/// Everything the web side reads is published as immutable snapshots, so HTTP requests never block the writer
/// stage. A slow viewer only misses frames (it always gets the latest); an event viewer that falls 256 events
/// behind is disconnected (its browser resumes from Last-Event-ID), and one that stops reading altogether is
/// disconnected after <see cref="MonitorOptions.SlowClientTimeout"/>: nothing is buffered per viewer without bound.
/// </remarks>
public sealed class LiveHub : IFrameSink
{
    private const int SubscriberQueue = 256;
    private static readonly double TickSeconds = 1.0 / Stopwatch.Frequency;

    private readonly MonitorOptions _options;
    private readonly long _minEncodeTicks;
    private readonly ImageEncodingParam[] _jpegParams;
    private readonly StreamOverlay _overlay = new();
    private readonly Lock _drawLock = new();
    private readonly Lock _eventsLock = new();
    private readonly Queue<LiveEvent> _recent = new();
    private readonly ConcurrentDictionary<EventSubscription, byte> _subscribers = new();
    private readonly long _created = Stopwatch.GetTimestamp();

    private Func<PipelineStats?>? _stats;
    private Func<string>? _sourceStateProvider;
    private Func<long>? _reconnectsProvider;
    private PipelineStats? _lastStats;
    private long _droppedBefore;
    private long _lastDetectCount;
    private double _lastDetectMs;
    private double _latencyMs;

    private long _frames;
    private long _lastFrameIndex = -1;
    private long _lastFrameTicks;
    private long _windowStart;
    private long _windowFrames;
    private double _fps;
    private int _tracks;
    private long _eventCount;
    private long _streamFrames;
    private long _lastEncodeTicks;
    private int _streamClients;
    private long _reconnects;
    private string _sourceState = "starting";
    private bool _disposed;

    private IReadOnlyList<MonitorZone> _zones = [];
    private IReadOnlyDictionary<string, int> _zoneCounts = new Dictionary<string, int>();
    private JpegFrame? _latestJpeg;
    private TaskCompletionSource _jpegSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a hub with the stream and event settings of <paramref name="options"/>.</summary>
    /// <exception cref="VisionTrackerException">A setting is out of range.</exception>
    public LiveHub(MonitorOptions? options = null)
        : this(options, null, null)
    {
    }

    /// <summary>A hub for one camera of several: its metrics carry a <c>camera</c> label in the shared registry.</summary>
    internal LiveHub(MonitorOptions? options, string? camera, Prometheus.CollectorRegistry? registry)
    {
        Camera = camera;
        _options = options ?? new MonitorOptions();
        if (_options.JpegQuality is < 1 or > 100)
        {
            throw new VisionTrackerException($"JPEG quality {_options.JpegQuality} is out of range: use 1 to 100.");
        }

        if (_options.EventsCapacity < 1)
        {
            throw new VisionTrackerException($"Events capacity {_options.EventsCapacity} is out of range: use at least 1.");
        }

        if (!(_options.MaxStreamFps > 0))
        {
            throw new VisionTrackerException($"Stream rate {_options.MaxStreamFps} fps is out of range: use a positive number.");
        }

        if (_options.SlowClientTimeout <= TimeSpan.Zero)
        {
            throw new VisionTrackerException($"Slow-client timeout {_options.SlowClientTimeout} is out of range: use a positive time.");
        }

        _minEncodeTicks = (long)(Stopwatch.Frequency / _options.MaxStreamFps);
        _jpegParams = [new ImageEncodingParam(ImwriteFlags.JpegQuality, _options.JpegQuality)];
        Metrics = new MonitorMetrics(this, camera, registry);
    }

    /// <summary>Serializer settings for events and API answers: camelCase, enums as strings, NaN allowed.</summary>
    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The camera this hub shows when several share one dashboard (<see cref="MonitorCameras"/>), else null.</summary>
    public string? Camera { get; }

    /// <summary>The zones drawn on the stream and served by <c>/api/zones</c>.</summary>
    public IReadOnlyList<MonitorZone> Zones => Volatile.Read(ref _zones);

    /// <summary>The latest count per zone name.</summary>
    public IReadOnlyDictionary<string, int> ZoneCounts => Volatile.Read(ref _zoneCounts);

    /// <summary>The source state: from <see cref="ObserveSource"/> if set, else as last set or inferred (starting, running, stopped).</summary>
    public string SourceState => Volatile.Read(ref _sourceStateProvider)?.Invoke() ?? Volatile.Read(ref _sourceState);

    /// <summary>The hub's Prometheus metrics (a private registry).</summary>
    internal MonitorMetrics Metrics { get; }

    /// <summary>How long one send to a viewer may block before the viewer is disconnected.</summary>
    internal TimeSpan SlowClientTimeout => _options.SlowClientTimeout;

    /// <summary>The latest annotated JPEG, or null before the first frame.</summary>
    internal JpegFrame? LatestJpeg => Volatile.Read(ref _latestJpeg);

    /// <summary>
    /// Reads frame counts, dropped frames and detector time from the running pipeline (pass
    /// <c>() =&gt; pipeline.Stats</c>; the pipeline makes a new object per run, and drops are summed across runs).
    /// </summary>
    public void UsePipelineStats(Func<PipelineStats?> stats) => Volatile.Write(ref _stats, stats);

    /// <summary>
    /// Reads the source state and reconnect count from the source itself whenever the dashboard needs them, for
    /// example <c>hub.ObserveSource(() =&gt; src.State.ToString().ToLowerInvariant(), () =&gt; src.Reconnects)</c>.
    /// Replaces <see cref="SetSourceState"/> and <see cref="SetReconnectCount"/>. The functions must be cheap and
    /// thread-safe; they are called from request threads and the writer stage.
    /// </summary>
    public void ObserveSource(Func<string> state, Func<long> reconnects)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(reconnects);
        Volatile.Write(ref _reconnectsProvider, reconnects);
        Volatile.Write(ref _sourceStateProvider, state);
    }

    /// <summary>Sets the source state shown on the dashboard (for example <c>running</c>, <c>reconnecting</c>).</summary>
    public void SetSourceState(string state)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(state);
        Volatile.Write(ref _sourceState, state);
    }

    /// <summary>Sets how many times the source has reconnected.</summary>
    public void SetReconnectCount(long reconnects)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(reconnects);
        Interlocked.Exchange(ref _reconnects, reconnects);
    }

    /// <summary>Sets the zones drawn on the stream and served by <c>/api/zones</c>.</summary>
    public void SetZones(IReadOnlyList<MonitorZone> zones)
    {
        ArgumentNullException.ThrowIfNull(zones);
        Volatile.Write(ref _zones, zones.ToArray());
    }

    /// <summary>Sets the current count per zone name (copied; call it whenever counts change, from any thread).</summary>
    public void SetZoneCounts(IReadOnlyDictionary<string, int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        Volatile.Write(ref _zoneCounts, new Dictionary<string, int>(counts, StringComparer.Ordinal));
    }

    /// <summary>
    /// Publishes an event that did not come through the pipeline (for example a reconnect notice by the host).
    /// Events raised by frame observers arrive through <see cref="Write"/> and need no call.
    /// </summary>
    public LiveEvent Publish(object evt, long frameIndex = -1, double timestampSeconds = 0)
    {
        ArgumentNullException.ThrowIfNull(evt);
        JsonElement data = Serialize(evt);
        LiveEvent e;
        lock (_eventsLock)
        {
            long id = ++_eventCount;
            e = new LiveEvent(id, evt.GetType().Name, frameIndex, timestampSeconds, DateTimeOffset.UtcNow, data);
            _recent.Enqueue(e);
            while (_recent.Count > _options.EventsCapacity)
            {
                _recent.Dequeue();
            }

            // Inside the lock, so every subscriber sees events in id order.
            foreach (EventSubscription s in _subscribers.Keys)
            {
                s.Offer(e);
            }
        }

        return e;
    }

    /// <summary>Recent events with an id above <paramref name="afterId"/>, oldest first (at most the events capacity).</summary>
    public IReadOnlyList<LiveEvent> RecentEvents(long afterId = 0)
    {
        lock (_eventsLock)
        {
            return _recent.Where(e => e.Id > afterId).ToArray();
        }
    }

    /// <summary>A snapshot of the pipeline's health.</summary>
    public MonitorStatus GetStatus()
    {
        long now = Stopwatch.GetTimestamp();
        long last = Volatile.Read(ref _lastFrameTicks);
        double fps = last != 0 && (now - last) * TickSeconds < 2 ? Volatile.Read(ref _fps) : 0;
        PipelineStats? stats = Volatile.Read(ref _stats)?.Invoke();
        long dropped = Interlocked.Read(ref _droppedBefore) + (stats?.FramesDropped ?? 0);
        return new MonitorStatus(
            Frames: Interlocked.Read(ref _frames),
            LastFrameIndex: Interlocked.Read(ref _lastFrameIndex),
            Fps: Math.Round(fps, 2),
            DroppedFrames: dropped,
            SourceState: SourceState,
            Reconnects: Volatile.Read(ref _reconnectsProvider)?.Invoke() ?? Interlocked.Read(ref _reconnects),
            DetectorLatencyMs: Math.Round(Volatile.Read(ref _latencyMs), 2),
            Tracks: Volatile.Read(ref _tracks),
            Events: Interlocked.Read(ref _eventCount),
            StreamFrames: Interlocked.Read(ref _streamFrames),
            StreamClients: Volatile.Read(ref _streamClients),
            EventClients: _subscribers.Count,
            UptimeSeconds: Math.Round((now - _created) * TickSeconds, 1),
            CameraMotion: stats?.CameraMotion is { } m
                ? new MonitorCameraMotion(Math.Round(m.MeanPixels, 2), Math.Round(m.MaxPixels, 2), m.Unestimated, Math.Round(m.Estimate.MeanMs, 2))
                : null);
    }

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        long now = Stopwatch.GetTimestamp();
        UpdateHealth(result, now);

        foreach (object evt in result.Events)
        {
            Publish(evt, result.Frame.Index, result.Frame.TimestampSeconds);
        }

        if (now - _lastEncodeTicks >= _minEncodeTicks)
        {
            _lastEncodeTicks = now;
            Encode(result, now);
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
        PipelineStats? stats = Volatile.Read(ref _stats)?.Invoke();
        if (stats is not null && !ReferenceEquals(stats, _lastStats))
        {
            AdoptStats(stats);
        }

        SetSourceState("stopped");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_drawLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _overlay.Dispose();
        }

        foreach (EventSubscription s in _subscribers.Keys)
        {
            s.Close();
        }

        Volatile.Read(ref _jpegSignal).TrySetCanceled();
    }

    /// <summary>Waits until a JPEG newer than <paramref name="afterSequence"/> exists and returns it.</summary>
    internal async Task<JpegFrame> NextJpegAsync(long afterSequence, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal = Volatile.Read(ref _jpegSignal).Task;
            if (LatestJpeg is { } f && f.Sequence > afterSequence)
            {
                return f;
            }

            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts an open stream connection until the returned object is disposed.</summary>
    internal IDisposable TrackStreamClient()
    {
        Interlocked.Increment(ref _streamClients);
        return new Release(() => Interlocked.Decrement(ref _streamClients));
    }

    /// <summary>
    /// Subscribes to new events. Take <see cref="RecentEvents"/> after subscribing and skip queued events with
    /// ids already sent, so nothing falls between the backlog and the live feed.
    /// </summary>
    internal EventSubscription SubscribeEvents()
    {
        var s = new EventSubscription(this);
        _subscribers.TryAdd(s, 0);
        return s;
    }

    private static JsonElement Serialize(object evt)
    {
        try
        {
            return JsonSerializer.SerializeToElement(evt, evt.GetType(), Json);
        }
        catch (NotSupportedException)
        {
            return JsonSerializer.SerializeToElement(new { text = evt.ToString() }, Json);
        }
        catch (InvalidOperationException)
        {
            return JsonSerializer.SerializeToElement(new { text = evt.ToString() }, Json);
        }
        catch (JsonException)
        {
            // For example a reference cycle: the feed still gets the event, as text.
            return JsonSerializer.SerializeToElement(new { text = evt.ToString() }, Json);
        }
    }

    private void UpdateHealth(FrameResult result, long now)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Exchange(ref _lastFrameIndex, result.Frame.Index);
        Volatile.Write(ref _lastFrameTicks, now);
        Volatile.Write(ref _tracks, result.Tracks.Count);

        if (_windowStart == 0)
        {
            _windowStart = now;
        }

        _windowFrames++;
        double window = (now - _windowStart) * TickSeconds;
        if (window >= 1.0)
        {
            Volatile.Write(ref _fps, _windowFrames / window);
            _windowStart = now;
            _windowFrames = 0;
        }

        if (Volatile.Read(ref _sourceState) == "starting")
        {
            SetSourceState("running");
        }

        PipelineStats? stats = Volatile.Read(ref _stats)?.Invoke();
        if (stats is null)
        {
            return;
        }

        if (!ReferenceEquals(stats, _lastStats))
        {
            AdoptStats(stats);
        }

        long count = stats.Detect.Count;
        double totalMs = stats.Detect.TotalMs;
        if (count > _lastDetectCount)
        {
            double ms = (totalMs - _lastDetectMs) / (count - _lastDetectCount);
            double prev = Volatile.Read(ref _latencyMs);
            Volatile.Write(ref _latencyMs, prev == 0 ? ms : (0.9 * prev) + (0.1 * ms));
            Metrics.ObserveDetectorLatency(ms / 1000.0, count - _lastDetectCount);
            _lastDetectCount = count;
            _lastDetectMs = totalMs;
        }
    }

    /// <summary>Starts reading a new run's statistics, keeping the drops of the previous run.</summary>
    private void AdoptStats(PipelineStats stats)
    {
        if (_lastStats is not null)
        {
            Interlocked.Add(ref _droppedBefore, _lastStats.FramesDropped);
        }

        _lastStats = stats;
        _lastDetectCount = 0;
        _lastDetectMs = 0;
    }

    private void Encode(FrameResult result, long now)
    {
        string header = string.Create(
            CultureInfo.InvariantCulture,
            $"frame {result.Frame.Index}  t={result.Frame.TimestampSeconds:0.00}s  tracks {result.Tracks.Count}  {SourceState}");
        byte[] jpeg;
        lock (_drawLock)
        {
            if (_disposed)
            {
                return;
            }

            Mat canvas = _overlay.Draw(result.Frame.Image, result.Tracks, Zones, ZoneCounts, header);
            Cv2.ImEncode(".jpg", canvas, out jpeg, _jpegParams);
        }

        long seq = Interlocked.Increment(ref _streamFrames);
        Volatile.Write(ref _latestJpeg, new JpegFrame(jpeg, seq, result.Frame.Index, now));
        Interlocked.Exchange(ref _jpegSignal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private void Unsubscribe(EventSubscription s) => _subscribers.TryRemove(s, out _);

    /// <summary>One encoded frame of the stream.</summary>
    internal sealed record JpegFrame(byte[] Data, long Sequence, long FrameIndex, long EncodedTicks);

    /// <summary>A live feed of events for one <c>/events</c> connection; dispose to leave.</summary>
    internal sealed class EventSubscription : IDisposable
    {
        private readonly LiveHub _hub;
        private readonly Channel<LiveEvent> _queue = Channel.CreateBounded<LiveEvent>(
            new BoundedChannelOptions(SubscriberQueue) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

        private volatile bool _overflowed;
        private volatile bool _closed;

        public EventSubscription(LiveHub hub) => _hub = hub;

        public ChannelReader<LiveEvent> Reader => _queue.Reader;

        /// <summary>True when the queue filled up: the feed was closed so the viewer reconnects instead of silently missing events.</summary>
        public bool Overflowed => _overflowed;

        /// <summary>Queues <paramref name="e"/>; never blocks the publisher. A full queue ends the feed.</summary>
        public void Offer(LiveEvent e)
        {
            if (_queue.Writer.TryWrite(e) || _closed)
            {
                return;
            }

            // Full: flag first, so a reader that sees the feed end also sees why.
            _overflowed = true;
            _queue.Writer.TryComplete();
        }

        public void Close()
        {
            _closed = true;
            _queue.Writer.TryComplete();
        }

        public void Dispose()
        {
            _hub.Unsubscribe(this);
            Close();
        }
    }

    private sealed class Release(Action action) : IDisposable
    {
        private Action? _action = action;

        public void Dispose() => Interlocked.Exchange(ref _action, null)?.Invoke();
    }
}
