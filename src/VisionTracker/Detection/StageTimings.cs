using System.Diagnostics;

namespace VisionTracker.Detection;

/// <summary>
/// Cumulative time per detector stage. Written by the detector's own thread only (no locks); readers take a
/// snapshot with <see cref="Snapshot"/>, which may be a frame stale.
/// </summary>
public sealed class StageTimings
{
    private long _preTicks;
    private long _inferTicks;
    private long _postTicks;
    private long _frames;

    /// <summary>Adds one frame's stage durations, in <see cref="Stopwatch"/> ticks.</summary>
    public void Add(long preTicks, long inferTicks, long postTicks)
    {
        Interlocked.Add(ref _preTicks, preTicks);
        Interlocked.Add(ref _inferTicks, inferTicks);
        Interlocked.Add(ref _postTicks, postTicks);
        Interlocked.Increment(ref _frames);
    }

    /// <summary>Resets all counters to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _preTicks, 0);
        Interlocked.Exchange(ref _inferTicks, 0);
        Interlocked.Exchange(ref _postTicks, 0);
        Interlocked.Exchange(ref _frames, 0);
    }

    /// <summary>Mean milliseconds per frame for each stage so far.</summary>
    public (long Frames, double PreMs, double InferMs, double PostMs) Snapshot()
    {
        long n = Interlocked.Read(ref _frames);
        double f = n == 0 ? 0 : 1000.0 / Stopwatch.Frequency / n;
        return (n, Interlocked.Read(ref _preTicks) * f, Interlocked.Read(ref _inferTicks) * f, Interlocked.Read(ref _postTicks) * f);
    }
}
