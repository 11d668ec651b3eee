using System.Diagnostics;
using System.Threading.Channels;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;
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
public sealed class TrackingEngine : IAsyncDisposable
{
    private readonly IReadOnlyList<PipelineStream>? _streams;
    private readonly IReadOnlyList<BatchDetector> _detectors;
    private readonly PipelineOptions _options;
    private readonly object _gate = new();
    private long _batches;
    private long _batchedFrames;

    // The running engine (hosted, or one fixed-set run): lanes now hosted (copy-on-write, replaced under the gate),
    // the detector workers, the engine-wide failure and whether new streams are still accepted.
    private Lane[] _lanes = [];
    private Task? _workers;
    private CancellationTokenSource? _fault;
    private SemaphoreSlim? _signal;
    private Exception? _detectorError;
    private bool _closed;
    private int _nextStart;

    /// <summary>Creates an engine over a fixed set of streams and one or more detector workers, run by <see cref="RunAsync"/>.</summary>
    /// <exception cref="ArgumentException">No streams, no detectors, or two streams with the same name.</exception>
    /// <exception cref="VisionTrackerException">A stream is to compensate camera motion and its tracker cannot.</exception>
    public TrackingEngine(IReadOnlyList<PipelineStream> streams, IReadOnlyList<BatchDetector> detectors, PipelineOptions? options = null)
        : this(detectors, options)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (streams.Count == 0)
        {
            throw new ArgumentException("An engine needs at least one stream and one detector.");
        }

        if (streams.Select(s => s.Name).Distinct(StringComparer.Ordinal).Count() != streams.Count)
        {
            throw new ArgumentException("Stream names must be unique.", nameof(streams));
        }

        foreach (PipelineStream s in streams)
        {
            s.CheckCameraMotion(_options);
        }

        _streams = streams;
    }

    /// <summary>
    /// Creates a hosted engine: streams join with <see cref="AddStream"/> while it runs and leave when they end, and
    /// every stream hosted at the same time shares the detector workers' batched calls.
    /// </summary>
    /// <exception cref="ArgumentException">No detectors.</exception>
    public TrackingEngine(IReadOnlyList<BatchDetector> detectors, PipelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(detectors);
        if (detectors.Count == 0)
        {
            throw new ArgumentException("An engine needs at least one stream and one detector.");
        }

        _detectors = detectors;
        _options = options ?? new PipelineOptions();
        if (_options.QueueCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "QueueCapacity must be at least 1.");
        }
    }

    /// <summary>The engine's streams: the fixed set, or for a hosted engine the streams running now.</summary>
    public IReadOnlyList<PipelineStream> Streams => _streams ?? Volatile.Read(ref _lanes).Select(l => l.Stream).ToArray();

    /// <summary>Detector calls made in the current or last run (a hosted engine: since it started).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Mean frames per detector call in the current or last run.</summary>
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Interlocked.Read(ref _batchedFrames) / Batches;

    /// <summary>
    /// Runs every stream to its end (or MaxFrames), or until <paramref name="cancellationToken"/> is cancelled.
    /// Returns true when the streams were read to their ends, false when the run was cancelled.
    /// </summary>
    /// <exception cref="VisionTrackerException">A stage failed on the user's input (for one stream of several, the message names it).</exception>
    /// <exception cref="InvalidOperationException">A hosted engine (use <see cref="AddStream"/>).</exception>
    public async Task<bool> RunAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<PipelineStream> streams = _streams ?? throw new InvalidOperationException("A hosted engine runs streams added with AddStream.");
        Interlocked.Exchange(ref _batches, 0);
        Interlocked.Exchange(ref _batchedFrames, 0);
        lock (_gate)
        {
            _closed = false;
            _detectorError = null;
            _nextStart = 0;
        }

        var lanes = new List<Lane>(streams.Count);
        foreach (PipelineStream s in streams)
        {
            lanes.Add(Host(s, cancellationToken));
        }

        Task workers;
        lock (_gate)
        {
            _closed = true;
            workers = _workers!;
        }

        Pulse(_detectors.Count);
        try
        {
            await Task.WhenAll(lanes.Select(l => l.Completion)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Reported below: the first real failure, not the cancellations it caused in the other streams.
        }

        await workers.ConfigureAwait(false);
        ResetRun();

        var first = lanes.FirstOrDefault(l => l.StageError is not null and not OperationCanceledException);
        if (first is not null)
        {
            if (streams.Count > 1 && first.StageError is VisionTrackerException vex)
            {
                throw new VisionTrackerException($"{first.Stream.Name}: {vex.Message}", vex);
            }

            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first.StageError!).Throw();
        }

        Exception? detectorError = Volatile.Read(ref _detectorError);
        if (detectorError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(detectorError).Throw();
        }

        if (lanes.FirstOrDefault(l => l.StageError is not null) is { } cancelled)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(cancelled.StageError!).Throw();
        }

        if (lanes.FirstOrDefault(l => l.CompleteError is not null) is { } incomplete)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(incomplete.CompleteError!).Throw();
        }

        return !cancellationToken.IsCancellationRequested;
    }

    /// <summary>
    /// Adds a stream to a hosted engine while it runs (starting the detector workers on the first call). The stream
    /// has its own tracker, observers, sinks, stats and <paramref name="cancellationToken"/>; its frames join the
    /// batched detector calls of the other streams hosted at the same time. The task completes when the stream has
    /// ended (read to its end or MaxFrames: true; cancelled: false) and its sinks are completed; it throws the
    /// stream's own failure, or the detector's, and the other streams run on after a failure of this one.
    /// </summary>
    /// <exception cref="InvalidOperationException">A fixed-set engine, an engine being closed, or a failed detector.</exception>
    /// <exception cref="VisionTrackerException">The stream is to compensate camera motion and its tracker cannot.</exception>
    public Task<bool> AddStream(PipelineStream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (_streams is not null)
        {
            throw new InvalidOperationException("An engine made over a fixed set of streams runs them with RunAsync.");
        }

        stream.CheckCameraMotion(_options);

        return Host(stream, cancellationToken).Completion;
    }

    /// <summary>
    /// Stops a hosted engine taking streams, waits for the hosted ones to end (cancel their tokens to end them sooner)
    /// and for the detector workers to stop; throws the detector's failure, if any.
    /// </summary>
    public async Task CompleteAsync()
    {
        Task? workers;
        Lane[] lanes;
        lock (_gate)
        {
            _closed = true;
            workers = _workers;
            lanes = _lanes;
        }

        Pulse(_detectors.Count);
        try
        {
            await Task.WhenAll(lanes.Select(l => l.Completion)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each stream's failure went to its own caller.
        }

        if (workers is not null)
        {
            await workers.ConfigureAwait(false);
        }

        Exception? detectorError = Volatile.Read(ref _detectorError);
        ResetRun();
        if (detectorError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(detectorError).Throw();
        }
    }

    /// <inheritdoc cref="CompleteAsync"/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Disposal does not report the failure CompleteAsync would have thrown.
        }
    }

    // Starts the detector workers if none run, adds the stream's lane and starts its stages.
    private Lane Host(PipelineStream stream, CancellationToken user)
    {
        Lane lane;
        lock (_gate)
        {
            if (_closed)
            {
                throw new InvalidOperationException("The engine is closed to new streams.");
            }

            if (Volatile.Read(ref _detectorError) is { } failed)
            {
                if (_streams is null && _workers is { IsCompleted: true } && _lanes.Length == 0)
                {
                    // A hosted engine whose streams have all reported the failure starts its workers afresh.
                    _workers = null;
                    _fault?.Dispose();
                    _fault = null;
                    _signal?.Dispose();
                    _signal = null;
                    _detectorError = null;
                }
                else
                {
                    throw new InvalidOperationException($"The engine's detector failed: {failed.Message}", failed);
                }
            }

            if (_workers is null)
            {
                _fault = new CancellationTokenSource();
                _signal = new SemaphoreSlim(0);
                var tasks = new List<Task>();
                CancellationToken token = _fault.Token;
                SemaphoreSlim signal = _signal;
                foreach (BatchDetector d in _detectors)
                {
                    tasks.Add(RunStage<Frame>(
                        async () =>
                        {
                            try
                            {
                                await DetectLoop(d, signal, token).ConfigureAwait(false);
                            }
                            catch (Exception e) when (e is not OperationCanceledException)
                            {
                                // Recorded before the engine-wide cancellation it causes, so each stream reports it.
                                Interlocked.CompareExchange(ref _detectorError, e, null);
                                throw;
                            }
                        },
                        null,
                        null,
                        _fault));
                }

                _workers = Task.WhenAll(tasks).ContinueWith(
                    t =>
                    {
                        if (t.IsFaulted && t.Exception!.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) is { } e)
                        {
                            Interlocked.CompareExchange(ref _detectorError, e, null);
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            lane = new Lane(stream, _options, _fault!.Token, _signal!);
            _lanes = [.. _lanes, lane];
            lane.Completion = RunLane(lane, user);
        }

        lane.Pulse();
        return lane;
    }

    // A lane leaves the engine once its stages are over, after any frame of it in detection has come back.
    private async Task LeaveAsync(Lane lane)
    {
        while (true)
        {
            lock (_gate)
            {
                if (!lane.Busy)
                {
                    lane.Done = true;
                    _lanes = [.. _lanes.Where(l => l != lane)];
                    return;
                }
            }

            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    private void Pulse(int n)
    {
        try
        {
            _signal?.Release(n);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    // After the workers stopped: the next run (fixed set) or AddStream (hosted) starts afresh.
    private void ResetRun()
    {
        lock (_gate)
        {
            if (_workers is not { IsCompleted: true })
            {
                return;
            }

            _workers = null;
            _fault?.Dispose();
            _fault = null;
            _signal?.Dispose();
            _signal = null;
            _lanes = [];
            _closed = _streams is null ? false : _closed;
        }
    }

    // One stream's stages, then its clean-up: the task ends when the stream's outputs are complete.
    private async Task<bool> RunLane(Lane lane, CancellationToken user)
    {
        await Task.Yield();
        var tasks = new Task[3];
        try
        {
            lane.Stream.Stats.Start();
            tasks[0] = RunStage(() => DecodeLoop(lane, user), lane.ToDetect.Writer, lane, null);
            tasks[1] = RunStage(() => TrackLoop(lane), lane.ToWrite.Writer, lane, null);
            tasks[2] = RunStage<FrameResult>(() => WriteLoop(lane), null, lane, null);
            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Reported below: the first real failure, not the cancellations it caused in the other stages.
            }
        }
        finally
        {
            lane.Stream.Stats.Stop();
            await LeaveAsync(lane).ConfigureAwait(false);
            DrainAndDispose(lane.ToDetect.Reader, f => f.Dispose());
            DrainAndDispose(lane.ToTrack.Reader, x => x.Frame.Dispose());
            DrainAndDispose(lane.ToWrite.Reader, r => r.Frame.Dispose());
        }

        var errors = tasks.Where(t => t is { IsFaulted: true }).Select(t => t.Exception!.GetBaseException()).ToList();
        lane.StageError = errors.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.FirstOrDefault();
        if (lane.StageError is null && tasks.Any(t => t is { IsCanceled: true }))
        {
            // Stopped by the engine's failure (or a sibling stage's): reported as the detector's error below.
            lane.StageError = new OperationCanceledException();
        }

        if (lane.StageError is not null and not OperationCanceledException)
        {
            lane.Stream.Error = lane.StageError;
        }

        try
        {
            CompleteSinks(lane.Stream);
        }
        catch (VisionTrackerException ex)
        {
            lane.CompleteError = ex;
        }

        lane.Dispose();
        Pulse(1);
        if (lane.StageError is { } stageError)
        {
            Exception thrown = stageError is OperationCanceledException && Volatile.Read(ref _detectorError) is { } d ? d : stageError;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(thrown).Throw();
        }

        if (lane.CompleteError is { } ce)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ce).Throw();
        }

        return !user.IsCancellationRequested;
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
        while (!user.IsCancellationRequested && !fault.IsCancellationRequested && ((lane.Stream.MaxFrames ?? _options.MaxFrames) is not { } max || n < max))
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
    private async Task DetectLoop(BatchDetector detect, SemaphoreSlim signal, CancellationToken fault)
    {
        var frames = new List<Frame>();
        var streams = new List<PipelineStream>();
        var taken = new List<Lane>();
        TimeSpan wait = _options.BatchWait;
        int max = Math.Max(1, _options.MaxBatch);
        while (true)
        {
            fault.ThrowIfCancellationRequested();
            bool allDone = Gather(max, frames, streams, taken, out int hosted);
            if (frames.Count == 0)
            {
                if (allDone && Volatile.Read(ref _closed))
                {
                    // Let the other workers see the end too.
                    signal.Release();
                    return;
                }

                await signal.WaitAsync(fault).ConfigureAwait(false);
                continue;
            }

            if (wait > TimeSpan.Zero && frames.Count < Math.Min(max, hosted))
            {
                long deadline = Stopwatch.GetTimestamp() + (long)(wait.TotalSeconds * Stopwatch.Frequency);
                while (frames.Count < Math.Min(max, Active()))
                {
                    TimeSpan left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
                    if (left <= TimeSpan.Zero || !await signal.WaitAsync(left, fault).ConfigureAwait(false))
                    {
                        break;
                    }

                    Gather(max, frames, streams, taken, out _);
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
                lock (_gate)
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

    // Takes one ready frame from each eligible stream not yet in this batch; returns true when every hosted stream is
    // done (or none is hosted). hosted: the streams still running.
    private bool Gather(int max, List<Frame> frames, List<PipelineStream> streams, List<Lane> taken, out int hosted)
    {
        lock (_gate)
        {
            Lane[] lanes = _lanes;
            bool allDone = true;
            hosted = 0;
            int start = frames.Count == 0 ? _nextStart++ : 0;
            for (int k = 0; k < lanes.Length; k++)
            {
                Lane lane = lanes[(int)((uint)(start + k) % (uint)lanes.Length)];
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
                hosted++;
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

    private int Active()
    {
        lock (_gate)
        {
            return _lanes.Count(l => !l.Done && !l.Fault.IsCancellationRequested);
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
                if (lane.CameraMotion is { } gmc)
                {
                    // On the frames this stage tracks (a live stream's dropped frames never reach it), so each estimate
                    // is the motion since the frame the tracker saw last.
                    long g0 = Stopwatch.GetTimestamp();
                    bool first = !lane.HasMotionFrame;
                    // The frame's detections mask the corners: a detected object moving is not the camera moving.
                    Affine2 motion = gmc.Estimate(frame.Image, dets);
                    lane.HasMotionFrame = true;
                    ((ICameraMotionCompensated)s.Tracker).ApplyCameraMotion(motion);
                    CameraMotionStats ms = s.Stats.CameraMotion!;
                    ms.Estimate.Add(Stopwatch.GetTimestamp() - g0);
                    if (!first)
                    {
                        ms.Add(motion, frame.Width, frame.Height, gmc.LastInliers > 0);
                    }
                }

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
            ToDetect = CreateChannel<Frame>(Capacity, live: (stream.Mode ?? options.Mode) == PipelineMode.Live, onDrop: f =>
            {
                f.Dispose();
                stats.AddDropped();
            });
            ToTrack = CreateChannel<(Frame Frame, Detections Detections)>(Capacity, live: false, onDrop: null);
            ToWrite = CreateChannel<FrameResult>(Capacity, live: false, onDrop: null);
            if (stream.CompensatesUnder(options))
            {
                // Created only when asked for (its buffers are a few small images); disposed with the lane.
                CameraMotion = new CameraMotionEstimator();
                stats.CameraMotion = new CameraMotionStats();
            }
        }

        public PipelineStream Stream { get; }

        public int Capacity { get; }

        public CancellationTokenSource Fault { get; }

        public Channel<Frame> ToDetect { get; }

        public Channel<(Frame Frame, Detections Detections)> ToTrack { get; }

        public Channel<FrameResult> ToWrite { get; }

        public bool Busy { get; set; }

        // The stream's camera-motion estimator (GMC), or null when compensation is off; used by the tracking stage only.
        public CameraMotionEstimator? CameraMotion { get; }

        // Whether the estimator has seen a frame (its first gives the identity, not counted as an estimate).
        public bool HasMotionFrame { get; set; }

        public bool Done { get; set; }

        public List<object>? FinalEvents { get; set; }

        public Task<bool> Completion { get; set; } = Task.FromResult(false);

        public Exception? StageError { get; set; }

        public Exception? CompleteError { get; set; }

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

        public void Dispose()
        {
            Fault.Dispose();
            CameraMotion?.Dispose();
        }

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
