using VisionTracker.Cli.Rendering;
using VisionTracker.Cluster;
using VisionTracker.Detection;
using VisionTracker.Pipeline;
using VisionTracker.Tracking;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// The worker's pipeline: the very code of <c>vtrack track</c> (jobs: <see cref="TrackRun"/>, <see cref="ExportSinks"/>,
/// offline mode) and <c>vtrack live</c> (cameras: reconnecting source, live mode). Detector settings are the worker's;
/// the model is loaded once per worker process and every job and camera joins that process's one engine as a stream
/// (<see cref="SharedDetector"/>), so the slots' frames share detector calls.
/// </summary>
internal sealed class ClusterRunner(Func<int?, DetrDetectorOptions> detectorOptions, string engine, int streams, Action<string> warn, Action<string> log) : IClusterRunner, IDisposable
{
    private readonly SharedDetector _detector = new(engine, streams, detectorOptions, log);

    /// <summary>Model loads in this process so far.</summary>
    public int ModelLoads => _detector.Loads;

    public void Dispose() => _detector.Dispose();

    public async Task<IReadOnlyList<string>> RunJobAsync(JobRun run, Action<long, long?> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var exports = ExportSinks.Parse(string.Join(',', run.Job.Exports));
        var sourceOptions = new FrameSourceOptions { Warn = w => warn($"job {run.Job.Id}: {w}") };
        using IFrameSource src = FrameSource.Open(run.LocalSource, sourceOptions);
        FrameSourceInfo info = src.Info;
        using var track = TrackRun.Create(new TrackRunSettings(info, null, false, run.ZonesFile, run.Job.Tracker, run.Job.MaxFrames, run.Job.Gmc), () => detectorOptions(null), _detector);

        // Files are named after the source as submitted, exactly as `vtrack track SOURCE` names them.
        var (sinks, files) = ExportSinks.Create(exports, run.OutDir, OutputFolder.SafeName(run.Job.Source), info, track.ClassNames, track.Zones);
        sinks.Insert(0, track.Summary);
        if (run.Events is { } ev)
        {
            sinks.Add(ev);
        }

        try
        {
            PipelineStream stream = track.CreateStream(src, sinks, PipelineMode.Offline);
            long? total = run.Job.MaxFrames is { } f ? Math.Min(f, info.FrameCount ?? f) : info.FrameCount;
            using var done = new CancellationTokenSource();
            Task report = Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    progress(stream.Stats.FramesCompleted, total);
                    try
                    {
                        await Task.Delay(500, done.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                    }
                }
            }, CancellationToken.None);
            try
            {
                await _detector.Engine.AddStream(stream, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await done.CancelAsync().ConfigureAwait(false);
                await report.ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            progress(stream.Stats.FramesCompleted, total);
            if (run.Job.Gmc)
            {
                log($"job {run.Job.Id}: gmc {GmcOption.Describe(stream.Stats)}");
            }
        }
        finally
        {
            foreach (var s in sinks)
            {
                s.Dispose();
            }
        }

        return files;
    }

    public async Task RunCameraAsync(CameraRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var sourceOptions = new FrameSourceOptions
        {
            // As in `vtrack live`: keep reconnecting for as long as the camera is held.
            ReconnectAttempts = int.MaxValue,
            Warn = w => warn($"camera {run.Camera.Name}: {w}"),
        };
        using IFrameSource src = FrameSource.Open(run.Camera.Url, sourceOptions);
        using var track = TrackRun.Create(new TrackRunSettings(src.Info, null, false, run.ZonesFile, run.Camera.Tracker, null, run.Camera.Gmc), () => detectorOptions(null), _detector);
        var restorable = track.Tracker as IRestorableTracker;
        if (run.Restore is { } snap)
        {
            // Continue the previous holder's ids and counts from its last published snapshot, before the first frame.
            if (snap.Tracker is { } ts && restorable is not null)
            {
                restorable.Restore(ts);
            }

            if (snap.Zones is { } zs && track.Zones is { } zo)
            {
                zo.Monitor.Restore(zs);
            }
        }

        var sinks = new List<IFrameSink> { track.Summary, run.Events, new StateSink(track.Zones, run.State) };
        IFrameObserver[] extra = run.Snapshot is { } publish ? [new SnapshotObserver(restorable, track.Zones, run.Restore?.Frames ?? 0, publish)] : [];
        PipelineStream stream = track.CreateStream(src, sinks, PipelineMode.Live, extra);
        await _detector.Engine.AddStream(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Captures the tracker's and zone monitor's state on the tracking stage (where both are updated, so the two agree)
    /// about once a second of stream time, for the holder to publish.
    /// </summary>
    private sealed class SnapshotObserver(IRestorableTracker? tracker, ZoneObserver? zones, long framesBefore, Action<CameraSnapshot> publish) : IFrameObserver
    {
        private double _last = double.NegativeInfinity;
        private long _frames = framesBefore;

        public IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds)
        {
            _frames++;
            if (timestampSeconds - _last >= 1.0 || timestampSeconds < _last)
            {
                _last = timestampSeconds;
                publish(new CameraSnapshot { Frames = _frames, Tracker = tracker?.Capture(), Zones = zones?.Monitor.Capture() });
            }

            return [];
        }
    }

    /// <summary>Reports frames and zone counts to the worker (for the holder's KV state) after the first frame and every 10 frames.</summary>
    private sealed class StateSink(ZoneObserver? zones, Action<long, IReadOnlyDictionary<string, int>> state) : IFrameSink
    {
        private static readonly Dictionary<string, int> None = [];
        private long _frames;

        public void Write(FrameResult result)
        {
            if (++_frames % 10 == 0 || _frames == 1)
            {
                state(_frames, zones is null ? None : zones.Snapshot.ToDictionary(s => s.Zone.Name, s => s.Total));
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
