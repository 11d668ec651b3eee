using System.Diagnostics;

namespace VisionTracker.Pipeline;

/// <summary>
/// Busy time and item count of one pipeline stage. Each stage's own thread is the only writer, so the hot path
/// takes no lock; readers get values that may be one frame stale.
/// </summary>
public sealed class StageStats
{
    private long _ticks;
    private long _count;

    /// <summary>Creates statistics for the named stage.</summary>
    public StageStats(string name) => Name = name;

    /// <summary>Stage name (decode, detect, track, write).</summary>
    public string Name { get; }

    /// <summary>Items processed.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>Total busy time in milliseconds.</summary>
    public double TotalMs => Volatile.Read(ref _ticks) * 1000.0 / Stopwatch.Frequency;

    /// <summary>Mean busy milliseconds per item.</summary>
    public double MeanMs => Count == 0 ? 0 : TotalMs / Count;

    /// <summary>Records one item that took <paramref name="ticks"/> Stopwatch ticks.</summary>
    public void Add(long ticks)
    {
        Volatile.Write(ref _ticks, _ticks + ticks);
        Volatile.Write(ref _count, _count + 1);
    }
}
