using System.Diagnostics;
using System.Threading.Channels;
using VisionTracker.Detection;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Source → detect → track → sinks, as four stages joined by bounded channels, so that while frame t is being
/// detected, frame t+1 is decoded and frame t-1 is tracked and written.
/// </summary>
/// <remarks>
/// Back-pressure comes from the bounds. Offline, the source waits and no frame is dropped. Live, the queue to the
/// detector drops its oldest frame when full, and the drop is counted. Cancellation stops the source; frames
/// already in flight are finished, and every sink is completed, so no output is left half-written.
/// </remarks>
public sealed class TrackingPipeline
{
    private readonly IFrameSource _source;
    private readonly Func<Frame, Detections> _detect;
    private readonly ITracker _tracker;
    private readonly IReadOnlyList<IFrameObserver> _observers;
    private readonly IReadOnlyList<IFrameSink> _sinks;
    private readonly PipelineOptions _options;
    private volatile List<object>? _finalEvents;

    /// <summary>Creates a pipeline over a detector.</summary>
    public TrackingPipeline(IFrameSource source, IDetector detector, ITracker tracker, IReadOnlyList<IFrameObserver>? observers = null, IReadOnlyList<IFrameSink>? sinks = null, PipelineOptions? options = null)
        : this(source, DetectWith(detector), tracker, observers, sinks, options)
    {
    }

    /// <summary>Creates a pipeline over any per-frame detection function (a detector, or detections read from a file).</summary>
    public TrackingPipeline(IFrameSource source, Func<Frame, Detections> detect, ITracker tracker, IReadOnlyList<IFrameObserver>? observers = null, IReadOnlyList<IFrameSink>? sinks = null, PipelineOptions? options = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _detect = detect ?? throw new ArgumentNullException(nameof(detect));
        _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
        _observers = observers ?? [];
        _sinks = sinks ?? [];
        _options = options ?? new PipelineOptions();
        if (_options.QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "QueueCapacity must be at least 1.");
        }
    }

    /// <summary>Statistics of the current or last run; safe to read from another thread while running.</summary>
    public PipelineStats Stats { get; private set; } = new();

    /// <summary>
    /// Runs the pipeline to the end of the source, or until <paramref name="cancellationToken"/> is cancelled.
    /// Returns true when the source was read to its end (or MaxFrames), false when the run was cancelled.
    /// </summary>
    /// <exception cref="VisionTrackerException">A stage failed on the user's input (for example a truncated video).</exception>
    public async Task<bool> RunAsync(CancellationToken cancellationToken = default)
    {
        var stats = new PipelineStats();
        Stats = stats;
        _finalEvents = null;
        using var fault = new CancellationTokenSource();
        var toDetect = CreateChannel<Frame>(live: _options.Mode == PipelineMode.Live, onDrop: f =>
        {
            f.Dispose();
            stats.AddDropped();
        });
        var toTrack = CreateChannel<(Frame Frame, Detections Detections)>(live: false, onDrop: null);
        var toWrite = CreateChannel<FrameResult>(live: false, onDrop: null);

        stats.Start();
        Task decode = RunStage(() => DecodeLoop(toDetect.Writer, stats, cancellationToken, fault.Token), toDetect.Writer, fault);
        Task detect = RunStage(() => DetectLoop(toDetect.Reader, toTrack.Writer, stats, fault.Token), toTrack.Writer, fault);
        Task track = RunStage(() => TrackLoop(toTrack.Reader, toWrite.Writer, stats, fault.Token), toWrite.Writer, fault);
        Task write = RunStage<FrameResult>(() => WriteLoop(toWrite.Reader, stats, fault.Token), null, fault);

        try
        {
            await Task.WhenAll(decode, detect, track, write).ConfigureAwait(false);
        }
        catch (Exception) when (fault.IsCancellationRequested)
        {
            // Report the first real failure, not the cancellations it caused in the other stages.
            var first = new[] { decode, detect, track, write }
                .Where(t => t.IsFaulted)
                .Select(t => t.Exception!.GetBaseException())
                .FirstOrDefault(e => e is not OperationCanceledException);
            if (first is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }

            throw;
        }
        finally
        {
            stats.Stop();
            DrainAndDispose(toDetect.Reader, f => f.Dispose());
            DrainAndDispose(toTrack.Reader, x => x.Frame.Dispose());
            DrainAndDispose(toWrite.Reader, r => r.Frame.Dispose());
            CompleteSinks();
        }

        return !cancellationToken.IsCancellationRequested;
    }

    private static Func<Frame, Detections> DetectWith(IDetector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return f => detector.Detect(f.Image);
    }

    private Channel<T> CreateChannel<T>(bool live, Action<T>? onDrop)
    {
        var opts = new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            AllowSynchronousContinuations = false,
            FullMode = live ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
        };
        return onDrop is null ? Channel.CreateBounded<T>(opts) : Channel.CreateBounded(opts, onDrop);
    }

    private static Task RunStage<T>(Func<Task> body, ChannelWriter<T>? downstream, CancellationTokenSource fault) =>
        Task.Factory.StartNew(
            async () =>
            {
                try
                {
                    await body().ConfigureAwait(false);
                    downstream?.TryComplete();
                }
                catch (Exception ex)
                {
                    downstream?.TryComplete(ex);
                    await fault.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();

    private async Task DecodeLoop(ChannelWriter<Frame> output, PipelineStats stats, CancellationToken user, CancellationToken fault)
    {
        long n = 0;
        while (!user.IsCancellationRequested && !fault.IsCancellationRequested && (_options.MaxFrames is not { } max || n < max))
        {
            long t0 = Stopwatch.GetTimestamp();
            Frame? frame;
            try
            {
                frame = _source.Read(user);
            }
            catch (OperationCanceledException) when (user.IsCancellationRequested)
            {
                // The user stopped the run while the source was waiting (a live stream, a realtime file): end the
                // stream normally so later stages finish their frames and observers flush (open dwell visits).
                break;
            }

            if (frame is null)
            {
                break;
            }

            stats.Decode.Add(Stopwatch.GetTimestamp() - t0);
            n++;
            try
            {
                await output.WriteAsync(frame, fault).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }

    private async Task DetectLoop(ChannelReader<Frame> input, ChannelWriter<(Frame, Detections)> output, PipelineStats stats, CancellationToken fault)
    {
        await foreach (Frame frame in input.ReadAllAsync(fault).ConfigureAwait(false))
        {
            Detections dets;
            try
            {
                long t0 = Stopwatch.GetTimestamp();
                dets = _detect(frame);
                stats.Detect.Add(Stopwatch.GetTimestamp() - t0);
                await output.WriteAsync((frame, dets), fault).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }
    }

    private async Task TrackLoop(ChannelReader<(Frame Frame, Detections Detections)> input, ChannelWriter<FrameResult> output, PipelineStats stats, CancellationToken fault)
    {
        long lastIndex = -1;
        double lastTime = 0;
        await foreach (var (frame, dets) in input.ReadAllAsync(fault).ConfigureAwait(false))
        {
            lastIndex = frame.Index;
            lastTime = frame.TimestampSeconds;
            try
            {
                long t0 = Stopwatch.GetTimestamp();
                Detections tracks = _tracker.Update(dets, frame.TimestampSeconds);
                IReadOnlyList<object> events = [];
                foreach (IFrameObserver o in _observers)
                {
                    var raised = o.Observe(dets, tracks, frame.Index, frame.TimestampSeconds);
                    if (raised.Count > 0)
                    {
                        events = events.Count == 0 ? raised : [.. events, .. raised];
                    }
                }

                stats.Track.Add(Stopwatch.GetTimestamp() - t0);
                await output.WriteAsync(new FrameResult(frame, dets, tracks, events), fault).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }

        // Read by the writer stage only after this stage has completed its channel, which orders the accesses.
        _finalEvents = _observers.SelectMany(o => o.Complete(lastIndex, lastTime)).ToList();
    }

    private async Task WriteLoop(ChannelReader<FrameResult> input, PipelineStats stats, CancellationToken fault)
    {
        await foreach (FrameResult r in input.ReadAllAsync(fault).ConfigureAwait(false))
        {
            using (r.Frame)
            {
                long t0 = Stopwatch.GetTimestamp();
                foreach (IFrameSink s in _sinks)
                {
                    s.Write(r);
                }

                stats.Write.Add(Stopwatch.GetTimestamp() - t0);
                stats.AddCompleted();
            }
        }

        if (_finalEvents is { Count: > 0 } final)
        {
            foreach (IEventSink s in _sinks.OfType<IEventSink>())
            {
                s.WriteEvents(final);
            }
        }
    }

    private static void DrainAndDispose<T>(ChannelReader<T> reader, Action<T> dispose)
    {
        while (reader.TryRead(out T? item))
        {
            dispose(item);
        }
    }

    private void CompleteSinks()
    {
        List<Exception>? errors = null;
        foreach (IFrameSink s in _sinks)
        {
            try
            {
                s.Complete();
            }
            catch (Exception ex) when (ex is IOException or VisionTrackerException or UnauthorizedAccessException)
            {
                (errors ??= []).Add(ex);
            }
        }

        if (errors is { Count: > 0 })
        {
            throw new VisionTrackerException($"Could not finish writing outputs: {string.Join("; ", errors.Select(e => e.Message))}", errors[0]);
        }
    }
}
