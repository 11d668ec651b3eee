using System.Diagnostics;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace VisionTracker.Cluster;

/// <summary>Worker settings.</summary>
public sealed record WorkerOptions
{
    /// <summary>This worker's id, shown in <c>vtrack jobs</c> and on camera holders (default HOST-PID).</summary>
    public string Id { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Pipelines run at once (each runs one job or holds one camera).</summary>
    public int Streams { get; init; } = 1;

    /// <summary>Take camera claims as well as jobs.</summary>
    public bool Cameras { get; init; } = true;

    /// <summary>How long one fetch waits for a message before the slot looks again.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Scratch folder for downloads and results before upload.</summary>
    public string WorkDir { get; init; } = Path.Combine(Path.GetTempPath(), "vtrack-worker");
}

/// <summary>
/// A worker: N slots, each taking a camera claim (first) or a job from JetStream and running it with the
/// <see cref="IClusterRunner"/>. JetStream does the scheduling: a job or claim not acked (or progressed) within
/// AckWait goes to another worker; MaxDeliver bounds retries. This class only acks, progresses, naks and terminates.
/// </summary>
public sealed class ClusterWorker(ClusterConnection cluster, IClusterRunner runner, WorkerOptions options, WorkerMetrics metrics, EventPublisher? events, Action<string> log)
{
    private long _frames;
    private TimeSpan _jobAckWait = TimeSpan.FromSeconds(30);
    private TimeSpan _cameraAckWait = TimeSpan.FromSeconds(10);
    private long _maxDeliver = 3;

    /// <summary>Runs until <paramref name="stop"/> is cancelled; then each slot hands its job back (Nak) or releases its camera, and returns.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(options.WorkDir);
        INatsJSConsumer jobs = await cluster.JobsConsumerAsync(stop).ConfigureAwait(false);
        INatsJSConsumer cameras = await cluster.CamerasConsumerAsync(stop).ConfigureAwait(false);
        _jobAckWait = jobs.Info.Config.AckWait;
        _cameraAckWait = cameras.Info.Config.AckWait;
        _maxDeliver = jobs.Info.Config.MaxDeliver;
        log($"worker {options.Id}: {options.Streams} slot(s), jobs AckWait {jobs.Info.Config.AckWait.TotalSeconds:0} s, MaxDeliver {jobs.Info.Config.MaxDeliver}; cameras AckWait {cameras.Info.Config.AckWait.TotalSeconds:0} s{(options.Cameras ? string.Empty : " (not taking cameras)")}");
        using var fpsTimer = new Timer(_ => UpdateFps(), null, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));
        INatsJSConsumer advisories = await cluster.MaxDeliveriesConsumerAsync(stop).ConfigureAwait(false);
        var slots = Enumerable.Range(0, Math.Max(1, options.Streams)).Select(i => SlotAsync(jobs, cameras, stop)).Append(MaxDeliveriesAsync(advisories, stop)).ToArray();
        await Task.WhenAll(slots).ConfigureAwait(false);
        log($"worker {options.Id}: stopped");
    }

    private long _lastFrames;
    private long _lastTicks = Stopwatch.GetTimestamp();

    private void UpdateFps()
    {
        long f = Interlocked.Read(ref _frames);
        long now = Stopwatch.GetTimestamp();
        double s = Stopwatch.GetElapsedTime(_lastTicks, now).TotalSeconds;
        metrics.Fps.Set(s > 0 ? (f - _lastFrames) / s : 0);
        _lastFrames = f;
        _lastTicks = now;
    }

    private void AddFrames(long n)
    {
        if (n > 0)
        {
            Interlocked.Add(ref _frames, n);
            metrics.Frames.Inc(n);
        }
    }

    private async Task SlotAsync(INatsJSConsumer jobs, INatsJSConsumer cameras, CancellationToken stop)
    {
        var fetch = new NatsJSFetchOpts { MaxMsgs = 1, Expires = options.Poll < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : options.Poll };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // The fetch is not cancelled by stop: a message handed to us is always processed or handed back.
                if (options.Cameras)
                {
                    await foreach (var msg in cameras.FetchAsync<byte[]>(fetch, cancellationToken: CancellationToken.None).ConfigureAwait(false))
                    {
                        await HoldCameraAsync(msg, stop).ConfigureAwait(false);
                    }
                }

                if (stop.IsCancellationRequested)
                {
                    break;
                }

                await foreach (var msg in jobs.FetchAsync<byte[]>(fetch, cancellationToken: CancellationToken.None).ConfigureAwait(false))
                {
                    await RunJobAsync(msg, stop).ConfigureAwait(false);
                }
            }
            catch (NatsException ex) when (!stop.IsCancellationRequested)
            {
                log($"warning: {ClusterConnection.FirstLine(ex)}; retrying in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Takes JetStream's max-deliveries advisories (kept in the dead-letter stream): each names a job message that was
    /// delivered MaxDeliver times without an ack or a nak, so its worker died every time (a job that fails with an
    /// error is dead-lettered by the worker itself). The job is marked failed, its message is kept as a dead letter and
    /// removed from the work queue.
    /// </summary>
    private async Task MaxDeliveriesAsync(INatsJSConsumer advisories, CancellationToken stop)
    {
        var fetch = new NatsJSFetchOpts { MaxMsgs = 10, Expires = TimeSpan.FromSeconds(2) };
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var msg in advisories.FetchAsync<byte[]>(fetch, cancellationToken: stop).ConfigureAwait(false))
                {
                    await HandleMaxDeliveriesAsync(msg).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (NatsException ex) when (!stop.IsCancellationRequested)
            {
                log($"warning: max-deliveries advisories: {ClusterConnection.FirstLine(ex)}; retrying in 2 s");
                await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task HandleMaxDeliveriesAsync(INatsJSMsg<byte[]> msg)
    {
        ulong seq = 0;
        long deliveries = 0;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(msg.Data ?? []);
            seq = doc.RootElement.TryGetProperty("stream_seq", out var s) ? s.GetUInt64() : 0;
            deliveries = doc.RootElement.TryGetProperty("deliveries", out var d) ? d.GetInt64() : 0;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        if (seq > 0)
        {
            INatsJSStream stream = await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream).ConfigureAwait(false);
            byte[]? data = null;
            try
            {
                var got = await stream.GetAsync(new NATS.Client.JetStream.Models.StreamMsgGetRequest { Seq = seq }).ConfigureAwait(false);
                data = got.Message.Data.ToArray();
            }
            catch (NatsJSApiException ex) when (ex.Error.Code == 404 || ex.Error.ErrCode == 10037)
            {
                // Gone already (acked at the last moment, or handled by another worker).
            }

            if (data is not null)
            {
                JobMessage? job = ClusterJson.Parse<JobMessage>(data, out _);
                string error = $"its worker stopped (crashed or was killed) during each of its {deliveries} deliveries; MaxDeliver reached, not retried";
                JobState? state = null;
                if (job is not null)
                {
                    var current = await cluster.Jobs.TryGetEntryAsync<byte[]>(job.Id).ConfigureAwait(false);
                    state = current.Success && current.Value.Value is { } v ? ClusterJson.Parse<JobState>(v, out _) : null;
                }

                if (job is not null && state?.State != JobState.Done)
                {
                    await PutStateAsync(new JobState { Id = job.Id, Source = job.Source, State = JobState.Failed, Worker = state?.Worker, Frames = state?.Frames ?? 0, TotalFrames = state?.TotalFrames, Attempt = deliveries, Error = error }).ConfigureAwait(false);
                }

                var headers = new NatsHeaders
                {
                    ["Vtrack-Error"] = error,
                    ["Vtrack-Worker"] = options.Id,
                    ["Vtrack-Stream-Seq"] = seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
                };
                if (job is not null)
                {
                    headers["Vtrack-Job"] = job.Id;
                }

                // Keep the dead letter first, then take the message off the work queue.
                var ack = await cluster.JetStream.PublishAsync(ClusterNames.DeadJobsSubject, data, headers: headers).ConfigureAwait(false);
                ack.EnsureSuccess();
                try
                {
                    await stream.DeleteMessageAsync(new NATS.Client.JetStream.Models.StreamMsgDeleteRequest { Seq = seq }).ConfigureAwait(false);
                }
                catch (NatsJSApiException)
                {
                }

                metrics.JobsFailed.Inc();
                log($"job {job?.Id ?? $"at stream seq {seq}"}: failed: {error}");
            }
        }

        await msg.AckAsync().ConfigureAwait(false);
    }

    private async Task PutStateAsync(JobState state)
    {
        try
        {
            await cluster.Jobs.PutAsync(state.Id, ClusterJson.Bytes(state with { Updated = DateTimeOffset.UtcNow })).ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            log($"warning: job {state.Id} state not written: {ClusterConnection.FirstLine(ex)}");
        }
    }

    private async Task DeadLetterAsync(INatsJSMsg<byte[]> msg, string? jobId, string error)
    {
        var headers = new NatsHeaders
        {
            ["Vtrack-Error"] = error.Replace('\n', ' ').Replace('\r', ' '),
            ["Vtrack-Worker"] = options.Id,
            ["Vtrack-Stream-Seq"] = msg.Metadata?.Sequence.Stream.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?",
        };
        if (jobId is not null)
        {
            headers["Vtrack-Job"] = jobId;
        }

        // Store the dead letter first, then terminate: the message is never lost between the two.
        var ack = await cluster.JetStream.PublishAsync(ClusterNames.DeadJobsSubject, msg.Data ?? [], headers: headers).ConfigureAwait(false);
        ack.EnsureSuccess();
        await msg.AckTerminateAsync().ConfigureAwait(false);
        metrics.JobsFailed.Inc();
    }

    private async Task RunJobAsync(INatsJSMsg<byte[]> msg, CancellationToken stop)
    {
        long attempt = (long)(msg.Metadata?.NumDelivered ?? 1);
        if (attempt > 1)
        {
            metrics.JobsRedelivered.Inc();
        }

        string? parseError = "empty message";
        JobMessage? job = msg.Data is { Length: > 0 } data ? ClusterJson.Parse<JobMessage>(data, out parseError) : null;
        if (job is not null && (string.IsNullOrWhiteSpace(job.Id) || string.IsNullOrWhiteSpace(job.Source) || ClusterNames.Token(job.Id) != job.Id))
        {
            parseError = "a job needs an id (letters, digits, '-', '_') and a source";
            job = null;
        }

        if (job is null)
        {
            string error = $"malformed job message (stream seq {msg.Metadata?.Sequence.Stream}): {parseError}";
            log($"error: {error}; moved to {ClusterNames.DeadJobsSubject}");
            await DeadLetterAsync(msg, null, error).ConfigureAwait(false);
            return;
        }

        var state = new JobState { Id = job.Id, Source = job.Source, State = JobState.Running, Worker = options.Id, Attempt = attempt };

        // Broker time of this job on the worker's side (state writes, download, result uploads, ack), for the throughput note.
        var broker = Stopwatch.StartNew();
        await PutStateAsync(state).ConfigureAwait(false);
        broker.Stop();
        log($"job {job.Id}: running {job.Source} (attempt {attempt})");
        metrics.JobsInProgress.Inc();
        var clock = Stopwatch.StartNew();
        string dir = Path.Combine(options.WorkDir, $"{job.Id}-{Environment.ProcessId}-{attempt}");
        using var progressStop = new CancellationTokenSource();
        long frames = 0;
        long? total = null;
        TimeSpan ackWait = _jobAckWait;
        Task keepAlive = KeepAliveAsync(msg, ackWait, progressStop.Token, async () => await PutStateAsync(state with { Frames = Interlocked.Read(ref frames), TotalFrames = total }).ConfigureAwait(false));
        try
        {
            Directory.CreateDirectory(dir);
            string source = job.Source;
            if (job.Upload is { } obj)
            {
                broker.Start();
                source = Path.Combine(dir, "source", Path.GetFileName(job.Source));
                Directory.CreateDirectory(Path.GetDirectoryName(source)!);
                await using (var fs = File.Create(source))
                {
                    try
                    {
                        await cluster.Sources.GetAsync(obj, fs, leaveOpen: false, stop).ConfigureAwait(false);
                    }
                    catch (NATS.Client.ObjectStore.NatsObjNotFoundException ex)
                    {
                        throw new VisionTrackerException($"uploaded source {obj} is gone from the {ClusterNames.SourcesBucket} bucket", ex);
                    }
                }

                broker.Stop();
            }

            string? zones = null;
            if (job.Zones is { } z)
            {
                zones = Path.Combine(dir, "zones.json");
                await File.WriteAllTextAsync(zones, z, CancellationToken.None).ConfigureAwait(false);
            }

            string outDir = Path.Combine(dir, "out");
            Directory.CreateDirectory(outDir);
            var eventSink = events?.CreateSink($"job-{job.Id}", job.Id);
            long reported = 0;
            IReadOnlyList<string> files = await runner.RunJobAsync(
                new JobRun(job, source, zones, outDir, eventSink),
                (f, t) =>
                {
                    Interlocked.Exchange(ref frames, f);
                    total = t;
                    AddFrames(f - Interlocked.Exchange(ref reported, f));
                },
                stop).ConfigureAwait(false);
            stop.ThrowIfCancellationRequested();

            // Results first, keyed by job id: a redo after a crash overwrites the same objects (one copy per job).
            var pipelineTime = clock.Elapsed - broker.Elapsed;
            broker.Start();
            var names = new List<string>();
            foreach (string file in files.Where(File.Exists))
            {
                string name = Path.GetFileName(file);
                await using (var fs = File.OpenRead(file))
                {
                    await cluster.Results.PutAsync($"{job.Id}/{name}", fs, leaveOpen: false, CancellationToken.None).ConfigureAwait(false);
                }

                names.Add(name);
            }

            await progressStop.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(false);
            await PutStateAsync(state with { State = JobState.Done, Frames = frames, TotalFrames = total, Files = names }).ConfigureAwait(false);
            await msg.AckAsync(new AckOpts { DoubleAck = true }).ConfigureAwait(false);
            broker.Stop();
            metrics.JobsDone.Inc();
            log(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"job {job.Id}: done, {frames} frames, {names.Count} file(s), pipeline {pipelineTime.TotalMilliseconds:0} ms, broker {broker.Elapsed.TotalMilliseconds:0.0} ms"));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(false);
            await PutStateAsync(state with { State = JobState.Queued, Worker = null, Frames = 0, Error = $"handed back by {options.Id} (stopping)" }).ConfigureAwait(false);
            await msg.NakAsync().ConfigureAwait(false);
            log($"job {job.Id}: handed back to the queue (worker stopping)");
        }
        catch (VisionTrackerException ex)
        {
            // The job itself is wrong (unreadable source, bad zones): retrying cannot help, so it fails once.
            await progressStop.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(false);
            await PutStateAsync(state with { State = JobState.Failed, Error = ex.Message }).ConfigureAwait(false);
            await DeadLetterAsync(msg, job.Id, ex.Message).ConfigureAwait(false);
            log($"job {job.Id}: failed: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await progressStop.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(false);
            string error = $"{ex.GetType().Name}: {ClusterConnection.FirstLine(ex)}";
            long maxDeliver = _maxDeliver;
            if (maxDeliver > 0 && attempt >= maxDeliver)
            {
                await PutStateAsync(state with { State = JobState.Failed, Error = $"{error} (attempt {attempt} of {maxDeliver})" }).ConfigureAwait(false);
                await DeadLetterAsync(msg, job.Id, error).ConfigureAwait(false);
                log($"job {job.Id}: failed on its last attempt: {error}");
            }
            else
            {
                await PutStateAsync(state with { State = JobState.Queued, Worker = null, Error = $"attempt {attempt} failed: {error}" }).ConfigureAwait(false);
                await msg.NakAsync(new AckOpts { NakDelay = TimeSpan.FromSeconds(2) }).ConfigureAwait(false);
                log($"job {job.Id}: attempt {attempt} failed ({error}); handed back for a retry");
            }
        }
        finally
        {
            metrics.JobsInProgress.Dec();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Sends AckProgress every third of AckWait (and runs <paramref name="tick"/>, at most once a second) until stopped.</summary>
    private async Task KeepAliveAsync<T>(INatsJSMsg<T> msg, TimeSpan ackWait, CancellationToken ct, Func<Task>? tick, TimeSpan? tickEvery = null)
    {
        TimeSpan progressEvery = ackWait / 3;
        TimeSpan step = tickEvery ?? TimeSpan.FromSeconds(1);
        if (step > progressEvery)
        {
            step = progressEvery;
        }

        var sinceProgress = Stopwatch.StartNew();
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(step, ct).ConfigureAwait(false);
                if (sinceProgress.Elapsed >= progressEvery - step / 2)
                {
                    await msg.AckProgressAsync(cancellationToken: ct).ConfigureAwait(false);
                    sinceProgress.Restart();
                }

                if (tick is not null)
                {
                    await tick().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (NatsException ex)
        {
            log($"warning: in-progress ack failed: {ClusterConnection.FirstLine(ex)}");
        }
    }

    private async Task HoldCameraAsync(INatsJSMsg<byte[]> msg, CancellationToken stop)
    {
        string name = msg.Subject[(ClusterNames.CameraClaimPrefix.Length + 1)..];
        long epoch = (long)(msg.Metadata?.NumDelivered ?? 1);
        ulong seq = msg.Metadata?.Sequence.Stream ?? 0;
        NatsResult<NATS.Client.KeyValueStore.NatsKVEntry<byte[]>> def = await cluster.Cameras.TryGetEntryAsync<byte[]>(name).ConfigureAwait(false);
        if (!def.Success || def.Value.Value is not { } cv || ClusterJson.Parse<CameraConfig>(cv, out _) is not { } camera)
        {
            // Removed while its claim was waiting: drop the claim.
            await msg.AckTerminateAsync().ConfigureAwait(false);
            return;
        }

        CameraHolder? previous = null;
        var prev = await cluster.CameraState.TryGetEntryAsync<byte[]>(name).ConfigureAwait(false);
        if (prev.Success && prev.Value.Value is { } pv)
        {
            previous = ClusterJson.Parse<CameraHolder>(pv, out _);
        }

        // Continue from the previous holder's last published snapshot when it held this same claim (a takeover, or a
        // hand-back on stop); a camera removed and added again (new claim) starts fresh.
        CameraSnapshot? restore = epoch > 1 && previous is { Snapshot: { } ps } && previous.ClaimSeq == seq ? ps : null;
        var holder = new CameraHolder
        {
            Name = name,
            Worker = options.Id,
            Epoch = epoch,
            Since = DateTimeOffset.UtcNow,
            Updated = DateTimeOffset.UtcNow,
            ZoneCounts = restore is not null ? previous!.ZoneCounts : new Dictionary<string, int>(),
            ClaimSeq = seq,
            RestoredFrom = restore is not null ? previous!.Epoch : null,
            Snapshot = restore,
        };
        await cluster.CameraState.PutAsync(name, ClusterJson.Bytes(holder)).ConfigureAwait(false);
        log(previous is null || epoch == 1
            ? $"camera {name}: holding (epoch {epoch})"
            : restore is null
                ? $"camera {name}: took over from {previous.Worker} (epoch {epoch}); no snapshot of this claim to continue from, starting fresh"
                : $"camera {name}: took over from {previous.Worker} (epoch {epoch}); continuing from its snapshot at frame {restore.Frames}: {restore.Tracker?.Tracks.Count ?? 0} track(s), next id {restore.Tracker?.NextId ?? 1}, counts {string.Join(", ", previous.ZoneCounts.Select(kv => $"{kv.Key}={kv.Value}"))}");
        metrics.CamerasHeld.Inc();
        string dir = Path.Combine(options.WorkDir, $"camera-{name}-{Environment.ProcessId}-{epoch}");
        Directory.CreateDirectory(dir);
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(stop);
        long frames = 0;
        IReadOnlyDictionary<string, int> counts = holder.ZoneCounts;
        CameraSnapshot? latest = restore;
        bool removed = false;
        long reported = 0;
        using var publishing = new SemaphoreSlim(1, 1);
        async Task PublishStateAsync()
        {
            await publishing.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                holder = holder with { Frames = Interlocked.Read(ref frames), Events = events?.Published ?? 0, ZoneCounts = counts, Snapshot = Volatile.Read(ref latest), Updated = DateTimeOffset.UtcNow };
                await cluster.CameraState.PutAsync(name, ClusterJson.Bytes(holder)).ConfigureAwait(false);
            }
            catch (NatsException ex)
            {
                log($"warning: camera {name}: state not written: {ClusterConnection.FirstLine(ex)}");
            }
            finally
            {
                publishing.Release();
            }
        }

        Task keepAlive = KeepAliveAsync(msg, _cameraAckWait, hold.Token, async () =>
        {
            var still = await cluster.Cameras.TryGetEntryAsync<byte[]>(name).ConfigureAwait(false);
            if (!still.Success)
            {
                removed = true;
                await hold.CancelAsync().ConfigureAwait(false);
                return;
            }

            await PublishStateAsync().ConfigureAwait(false);
        }, TimeSpan.FromSeconds(2));
        Task firstState = Task.CompletedTask;
        try
        {
            string? zones = null;
            if (camera.Zones is { } z)
            {
                zones = Path.Combine(dir, "zones.json");
                await File.WriteAllTextAsync(zones, z, CancellationToken.None).ConfigureAwait(false);
            }

            CameraEvents sinkOwner = new(events, name, $"{name}.{seq}.{epoch}");
            await runner.RunCameraAsync(
                new CameraRun(
                    camera,
                    zones,
                    sinkOwner.Sink,
                    (f, c) =>
                    {
                        Interlocked.Exchange(ref frames, f);
                        counts = c;
                        AddFrames(f - Interlocked.Exchange(ref reported, f));
                        if (f == 1)
                        {
                            // Publish the first frame's state at once (then every 2 s): it shows where this holder started.
                            firstState = Task.Run(PublishStateAsync, CancellationToken.None);
                        }
                    },
                    restore,
                    snap => Volatile.Write(ref latest, snap)),
                hold.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (hold.IsCancellationRequested)
        {
        }
        catch (VisionTrackerException ex)
        {
            log($"camera {name}: {ex.Message}");
        }
        finally
        {
            await hold.CancelAsync().ConfigureAwait(false);
            await keepAlive.ConfigureAwait(false);
            await firstState.ConfigureAwait(false);
            metrics.CamerasHeld.Dec();
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        if (removed)
        {
            await msg.AckTerminateAsync().ConfigureAwait(false);
            log($"camera {name}: removed from the cluster; released");
        }
        else
        {
            // Stopping (or the pipeline gave up): hand the claim back at once so another worker takes it now, not after AckWait.
            await msg.NakAsync(stop.IsCancellationRequested ? null : new AckOpts { NakDelay = TimeSpan.FromSeconds(5) }).ConfigureAwait(false);
            log($"camera {name}: released");
        }
    }

    /// <summary>The events sink of a camera run (a no-op sink when the worker publishes no events).</summary>
    private readonly struct CameraEvents(EventPublisher? publisher, string camera, string scope)
    {
        public VisionTracker.Pipeline.IFrameSink Sink { get; } = publisher?.CreateSink(camera, scope) ?? new NullSink();
    }

    private sealed class NullSink : VisionTracker.Pipeline.IFrameSink
    {
        public void Write(VisionTracker.Pipeline.FrameResult result)
        {
        }

        public void Complete()
        {
        }

        public void Dispose()
        {
        }
    }
}
