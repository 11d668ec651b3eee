using System.Diagnostics;
using System.Threading.Channels;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// N streams, one detector stage: each stream decodes on its own, the detector stage runs one batched call over the
/// frames that are ready now (at most one per stream, after a bounded wait for the rest), and each stream tracks,
/// observes and writes its own results. A single stream is the N = 1 case (<see cref="TrackingPipeline"/>).
/// </summary>
/// <remarks>
/// <para>A stream whose source is slow or reconnecting simply has no frame ready, so its slot in the batch stays
/// empty; a stream whose own tracking or writing is behind is skipped until it has room. Neither blocks the batch.
/// A stream that fails ends alone; the others run on, and the first failure is thrown when the run ends.</para>
/// <para>Offline, each stream's source waits for room and no frame is dropped. Live, each stream's queue to the
/// detector drops its oldest frame when full, and the drop is counted in that stream's stats.</para>
/// <para>With several detector functions, each is a worker of its own (for example one 1-thread session per
/// worker); a stream has at most one frame in detection at a time, so its frames are tracked in order.</para>
/// </remarks>
public sealed class TrackingEngine
{
    private readonly IReadOnlyList<PipelineStream> _streams;
    private readonly IReadOnlyList<BatchDetector> _detectors;
    private readonly PipelineOptions _options;
    private long _batches;
    private long _batchedFrames;

    /// <summary>Creates an engine over the streams and one or more detector workers.</summary>
    /// <exception cref="ArgumentException">No streams, no detectors, or two streams with the same name.</exception>
    public TrackingEngine(IReadOnlyList<PipelineStream> streams, IReadOnlyList<BatchDetector> detectors, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(detectors);
        if (streams.Count == 0 || detectors.Count == 0)
        {
            throw new ArgumentException("An engine needs at least one stream and one detector.");
        }

        if (streams.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != streams.Count)
        {
            throw new ArgumentException("Stream names must be unique.", nameof(streams));
        }

        _streams = streams;
        _detectors = detectors;
        _options = options ?? new PipelineOptions();
        if (_options.QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "QueueCapacity must be at least 1.");
        }
    }

    /// <summary>The engine's streams.</summary>
    public IReadOnlyList<PipelineStream> Streams => _streams;

    /// <summary>Detector calls made in the current or last run.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Mean frames per detector call in the current or last run.</summary>
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Interlocked.Read(ref _batchedFrames) / Batches;

    /// <summary>
    /// Runs every stream to its end (or MaxFrames), or until <paramref name="cancellationToken"/> is cancelled.
    /// Returns true when the streams were read to their ends, false when the run was cancelled.
    /// </summary>
    /// <exception cref="VisionTrackerException">A stage failed on the user's input (for one stream of several, the message names it).</exception>
    public async Task<bool> RunAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _batches, 0);
        Interlocked.Exchange(ref _batchedFrames, 0);
        using var fault = new CancellationTokenSource();
        using var signal = new SemaphoreSlim(0);
        var lanes = new Lane[_streams.Count];
        var tasks = new List<(Task Task, Lane? Lane)>();
        try
        {
            for (int i = 0; i < lanes.Length; i++)
            {
                lanes[i] = new Lane(_streams[i], _options, fault.Token, signal);
            }

            foreach (Lane lane in lanes)
            {
                lane.Stream.Stats.Start();
                tasks.Add((RunStage(() => DecodeLoop(lane, cancellationToken), lane.ToDetect.Writer, lane, null), lane));
                tasks.Add((RunStage(() => TrackLoop(lane), lane.ToWrite.Writer, lane, null), lane));
                tasks.Add((RunStage<FrameResult>(() => WriteLoop(lane), null, lane, null), lane));
            }

            var gate = new object();
            int start = 0;
            foreach (BatchDetector d in _detectors)
            {
                tasks.Add((RunStage<Frame>(() => DetectLoop(d, lanes, gate, () => start++, signal, fault.Token), null, null, fault), null));
            }

            try
            {
                await Task.WhenAll(tasks.Select(t => t.Task)).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Reported below: the first real failure, not the cancellations it caused in the other stages.
            }
        }
        finally
        {
            foreach (Lane lane in lanes.Where(l => l is not null))
            {
                lane.Stream.Stats.Stop();
                DrainAndDispose(lane.ToDetect.Reader, f => f.Dispose());
                DrainAndDispose(lane.ToTrack.Reader, x => x.Frame.Dispose());
                DrainAndDispose(lane.ToWrite.Reader, r => r.Frame.Dispose());
            }
        }

        List<Exception> completeErrors = [];
        foreach (Lane lane in lanes)
        {
            try
            {
                CompleteSinks(lane.Stream);
            }
            catch (VisionTrackerException ex)
            {
                completeErrors.Add(ex);
            }

            lane.Dispose();
        }

        var failed = tasks.Where(t => t.Task.IsFaulted).ToList();
        var first = failed
            .Select(t => (Error: t.Task.Exception!.GetBaseException(), t.Lane))
            .FirstOrDefault(e => e.Error is not OperationCanceledException);
        foreach (var (task, lane) in failed)
        {
            if (lane is not null && lane.Stream.Error is null && task.Exception!.GetBaseException() is not OperationCanceledException and var e)
            {
                lane.Stream.Error = e;
            }
        }

        if (first.Error is not null)
        {
            if (_streams.Count > 1 && first.Lane is { } l && first.Error is VisionTrackerException vex)
            {
                throw new VisionTrackerException($"{l.Stream.Name}: {vex.Message}", vex);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first.Error).Throw();
        }

        if (failed.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failed[0].Task.Exception!.GetBaseException()).Throw();
        }

        if (completeErrors.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(completeErrors[0]).Throw();
        }

        return !cancellationToken.IsCancellationRequested;
    }

    // A stage's task: completes its downstream channel when done, and on failure fails that stream alone (lane) or
    // the whole engine (fault, for the detector stage).
    private static Task RunStage<T>(Func<Task> body, ChannelWriter<T>? downstream, Lane? lane, CancellationTokenSource? fault) =>
        Task.Factory.StartNew(
            async () =>
            {
                try
                {
                    await body().ConfigureAwait(false);
                    downstream?.TryComplete();
                    lane?.Pulse();
                }
                catch (Exception ex)
                {
                    downstream?.TryComplete(ex);
                    if (lane is not null)
                    {
                        await lane.Fault.CancelAsync().ConfigureAwait(false);
                        lane.Pulse();
                    }

                    if (fault is not null)
                    {
                        await fault.CancelAsync().ConfigureAwait(false);
                    }

                    throw;
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default).Unwrap();

    private async Task DecodeLoop(Lane lane, CancellationToken user)
    {
        PipelineStats stats = lane.Stream.Stats;
        CancellationToken fault = lane.Fault.Token;
        long n = 0;
        while (!user.IsCancellationRequested && !fault.IsCancellationRequested && (_options.MaxFrames is not { } max || n < max))
        {
            long t0 = Stopwatch.GetTimestamp();
            Frame? frame;
            try
            {
                frame = lane.Stream.Source.Read(user);
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
                await lane.ToDetect.Writer.WriteAsync(frame, fault).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }

            lane.Pulse();
        }
    }

    // One detector worker: gather the frames that are ready (at most one per stream, only from streams with room
    // downstream and no frame in detection), wait a bounded time for more, detect them in one call, hand them on.
    private async Task DetectLoop(BatchDetector detect, Lane[] lanes, object gate, Func<int> nextStart, SemaphoreSlim signal, CancellationToken fault)
    {
        var frames = new List<Frame>(lanes.Length);
        var streams = new List<PipelineStream>(lanes.Length);
        var taken = new List<Lane>(lanes.Length);
        TimeSpan wait = _options.BatchWait;
        int max = Math.Max(1, _options.MaxBatch);
        while (true)
        {
            fault.ThrowIfCancellationRequested();
            bool allDone = Gather(lanes, gate, nextStart, max, frames, streams, taken);
            if (frames.Count == 0)
            {
                if (allDone)
                {
                    return;
                }

                await signal.WaitAsync(fault).ConfigureAwait(false);
                continue;
            }

            if (wait > TimeSpan.Zero && frames.Count < Math.Min(max, lanes.Length))
            {
                long deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
                while (frames.Count < Math.Min(max, Active(lanes, gate)))
                {
                    TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero || !await signal.WaitAsync(left, fault).ConfigureAwait(false))
                    {
                        break;
                    }

                    Gather(lanes, gate, nextStart, max, frames, streams, taken);
                }
            }

            try
            {
                long t0 = Stopwatch.GetTimestamp();
                IReadOnlyList<Detections> dets = detect(frames, streams);
                long each = (Stopwatch.GetTimestamp() - t0) / frames.Count;
                if (dets.Count != frames.Count)
                {
                    throw new InvalidOperationException($"The batch detector returned {dets.Count} results for {frames.Count} frames.");
                }

                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _batchedFrames, frames.Count);
                for (int i = 0; i < frames.Count; i++)
                {
                    taken[i].Stream.Stats.Detect.Add(each);
                    if (!taken[i].ToTrack.Writer.TryWrite((frames[i], dets[i])))
                    {
                        // The stream failed meanwhile (its channel is completed): the frame is not needed.
                        frames[i].Dispose();
                    }
                }
            }
            catch
            {
                frames.ForEach(f => f.Dispose());
                throw;
            }
            finally
            {
                lock (gate)
                {
                    taken.ForEach(l => l.Busy = false);
                }

                frames.Clear();
                streams.Clear();
                taken.Clear();
                if (signal.CurrentCount == 0)
                {
                    signal.Release();
                }
            }
        }
    }

    // Takes one ready frame from each eligible stream not yet in this batch; returns true when every stream is done.
    private static bool Gather(Lane[] lanes, object gate, Func<int> nextStart, int max, List<Frame> frames, List<PipelineStream> streams, List<Lane> taken)
    {
        lock (gate)
        {
            bool allDone = true;
            int start = frames.Count == 0 ? nextStart() : 0;
            for (int k = 0; k < lanes.Length; k++)
            {
                Lane lane = lanes[(start + k) % lanes.Length];
                if (lane.Done)
                {
                    continue;
                }

                if (!lane.Busy && (lane.Fault.IsCancellationRequested || lane.ToDetect.Reader.Completion.IsCompleted))
                {
                    // Nothing more will come from this stream (and none of its frames is in detection): end its tracking.
                    lane.Done = true;
                    lane.ToTrack.Writer.TryComplete();
                    continue;
                }

                allDone = false;
                if (frames.Count >= max || lane.Busy || lane.ToTrack.Reader.Count >= lane.Capacity || !lane.ToDetect.Reader.TryRead(out Frame? frame))
                {
                    continue;
                }

                lane.Busy = true;
                frames.Add(frame);
                streams.Add(lane.Stream);
                taken.Add(lane);
            }

            return allDone;
        }
    }

    private static int Active(Lane[] lanes, object gate)
    {
        lock (gate)
        {
            return lanes.Count(l => !l.Done && !l.Fault.IsCancellationRequested);
        }
    }

    private static async Task TrackLoop(Lane lane)
    {
        PipelineStream s = lane.Stream;
        CancellationToken fault = lane.Fault.Token;
        long lastIndex = -1;
        double lastTime = 0;
        await foreach (var (frame, dets) in lane.ToTrack.Reader.ReadAllAsync(fault).ConfigureAwait(false))
        {
            lane.Pulse();
            lastIndex = frame.Index;
            lastTime = frame.TimestampSeconds;
            try
            {
                long t0 = Stopwatch.GetTimestamp();
                Detections tracks = s.Tracker.Update(dets, frame.TimestampSeconds);
                IReadOnlyList<object> events = [];
                foreach (IFrameObserver o in s.Observers)
                {
                    var raised = o.Observe(dets, tracks, frame.Index, frame.TimestampSeconds);
                    if (raised.Count > 0)
                    {
                        events = events.Count == 0 ? raised : [.. events, .. raised];
                    }
                }

                s.Stats.Track.Add(Stopwatch.GetTimestamp() - t0);
                await lane.ToWrite.Writer.WriteAsync(new FrameResult(frame, dets, tracks, events), fault).ConfigureAwait(false);
            }
            catch
            {
                frame.Dispose();
                throw;
            }
        }

        // Read by the writer stage only after this stage has completed its channel, which orders the accesses.
        lane.FinalEvents = s.Observers.SelectMany(o => o.Complete(lastIndex, lastTime)).ToList();
    }

    private static async Task WriteLoop(Lane lane)
    {
        PipelineStream s = lane.Stream;
        await foreach (FrameResult r in lane.ToWrite.Reader.ReadAllAsync(lane.Fault.Token).ConfigureAwait(false))
        {
            using (r.Frame)
            {
                long t0 = Stopwatch.GetTimestamp();
                foreach (IFrameSink sink in s.Sinks)
                {
                    sink.Write(r);
                }

                s.Stats.Write.Add(Stopwatch.GetTimestamp() - t0);
                s.Stats.AddCompleted();
            }
        }

        if (lane.FinalEvents is { Count: > 0 } final)
        {
            foreach (IEventSink sink in s.Sinks.OfType<IEventSink>())
            {
                sink.WriteEvents(final);
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

    private static void CompleteSinks(PipelineStream stream)
    {
        List<Exception>? errors = null;
        foreach (IFrameSink s in stream.Sinks)
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

    /// <summary>One stream's channels, failure token and detector-stage bookkeeping (guarded by the gate).</summary>
    private sealed class Lane : IDisposable
    {
        private readonly SemaphoreSlim _signal;

        public Lane(PipelineStream stream, PipelineOptions options, CancellationToken engineFault, SemaphoreSlim signal)
        {
            Stream = stream;
            _signal = signal;
            Capacity = options.QueueCapacity;
            Fault = CancellationTokenSource.CreateLinkedTokenSource(engineFault);
            var stats = new PipelineStats();
            stream.Stats = stats;
            stream.Error = null;
            ToDetect = CreateChannel<Frame>(Capacity, live: options.Mode == PipelineMode.Live, onDrop: f =>
            {
                f.Dispose();
                stats.AddDropped();
            });
            ToTrack = CreateChannel<(Frame Frame, Detections Detections)>(Capacity, live: false, onDrop: null);
            ToWrite = CreateChannel<FrameResult>(Capacity, live: false, onDrop: null);
        }

        public PipelineStream Stream { get; }

        public int Capacity { get; }

        public CancellationTokenSource Fault { get; }

        public Channel<Frame> ToDetect { get; }

        public Channel<(Frame Frame, Detections Detections)> ToTrack { get; }

        public Channel<FrameResult> ToWrite { get; }

        public bool Busy { get; set; }

        public bool Done { get; set; }

        public List<object>? FinalEvents { get; set; }

        // Wakes a waiting detector worker (a frame arrived, room was made, or the stream ended). At most one
        // pending wake-up is kept: workers re-check every stream when they wake.
        public void Pulse()
        {
            try
            {
                if (_signal.CurrentCount == 0)
                {
                    _signal.Release();
                }
            }
            catch (ObjectDisposedException)
            {
                // The run is over.
            }
        }

        public void Dispose() => Fault.Dispose();

        private static Channel<T> CreateChannel<T>(int capacity, bool live, Action<T>? onDrop)
        {
            var opts = new BoundedChannelOptions(capacity)
            {
                SingleReader = false,
                SingleWriter = true,
                AllowSynchronousContinuations = false,
                FullMode = live ? BoundedChannelFullMode.DropOldest : BoundedChannelFullMode.Wait,
            };
            return onDrop is null ? Channel.CreateBounded<T>(opts) : Channel.CreateBounded(opts, onDrop);
        }
    }
}
