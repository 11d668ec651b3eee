using System.Diagnostics;

namespace VisionTracker.Pipeline;

/// <summary>Live statistics of a pipeline run: per-stage times, frames done, frames dropped, elapsed time.</summary>
public sealed class PipelineStats
{
    private readonly Stopwatch _clock = new();
    private long _dropped;
    private long _completed;

    /// <summary>Decoding frames from the source.</summary>
    public StageStats Decode { get; } = new("decode");

    /// <summary>Detection (pre-processing, inference, post-processing).</summary>
    public StageStats Detect { get; } = new("detect");

    /// <summary>Tracking and frame observers (zones).</summary>
    public StageStats Track { get; } = new("track");

    /// <summary>Writing to every sink.</summary>
    public StageStats Write { get; } = new("write");

    /// <summary>Camera-motion compensation of this stream (GMC), or null when it is off.</summary>
    public CameraMotionStats? CameraMotion { get; internal set; }

    /// <summary>Frames that went through every stage.</summary>
    public long FramesCompleted => Interlocked.Read(ref _completed);

    /// <summary>Frames dropped in live mode because the detector was behind.</summary>
    public long FramesDropped => Interlocked.Read(ref _dropped);

    /// <summary>Wall-clock time since the run started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Frames completed per wall-clock second.</summary>
    public double Fps => Elapsed.TotalSeconds > 0 ? FramesCompleted / Elapsed.TotalSeconds : 0;

    internal void Start() => _clock.Start();

    internal void Stop() => _clock.Stop();

    internal void AddDropped() => Interlocked.Increment(ref _dropped);

    internal void AddCompleted() => Interlocked.Increment(ref _completed);
}
