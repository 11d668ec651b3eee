using System.Diagnostics;

namespace VisionTracker.Pipeline;

/// <summary>
/// Samples the process's resident memory (working set) every <c>interval</c> frames on the writer stage, to show
/// that memory stays flat over a long run (every Mat and ORT value disposed, no per-frame growth).
/// </summary>
public sealed class MemorySampler : IFrameSink
{
    private readonly int _interval;
    private readonly List<(long Frame, long Bytes)> _samples = [];
    private readonly Process _self = Process.GetCurrentProcess();
    private long _frames;

    /// <summary>Samples every <paramref name="interval"/> frames.</summary>
    public MemorySampler(int interval = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, 1);
        _interval = interval;
    }

    /// <summary>(frames done, resident bytes) samples, in order.</summary>
    public IReadOnlyList<(long Frame, long Bytes)> Samples => _samples;

    /// <summary>
    /// Growth of resident memory after warm-up: the largest sample after <paramref name="warmupFrames"/> divided by
    /// the first sample after it, minus one (0.05 means 5% above the post-warm-up level).
    /// </summary>
    public double GrowthAfter(long warmupFrames)
    {
        var after = _samples.Where(s => s.Frame >= warmupFrames).ToList();
        return after.Count < 2 ? 0 : ((double)after.Max(s => s.Bytes) / after[0].Bytes) - 1;
    }

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        if (++_frames % _interval == 0)
        {
            _self.Refresh();
            _samples.Add((_frames, _self.WorkingSet64));
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
    }

    /// <inheritdoc/>
    public void Dispose() => _self.Dispose();
}
