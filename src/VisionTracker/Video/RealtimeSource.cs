using System.Diagnostics;

namespace VisionTracker.Video;

/// <summary>
/// Plays a finite source at its own frame rate (each frame is released at its timestamp), so a recorded file can
/// stand in for a camera in demos and tests of live mode.
/// </summary>
public sealed class RealtimeSource : IFrameSource
{
    private readonly IFrameSource _inner;
    private readonly Stopwatch _clock = new();
    private double _firstTimestamp = double.NaN;

    /// <summary>Wraps <paramref name="inner"/>; the wrapper owns and disposes it.</summary>
    public RealtimeSource(IFrameSource inner) => _inner = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc/>
    public FrameSourceInfo Info => _inner.Info;

    /// <inheritdoc/>
    public Frame? Read(CancellationToken cancellationToken = default)
    {
        Frame? f = _inner.Read(cancellationToken);
        if (f is null)
        {
            return null;
        }

        if (double.IsNaN(_firstTimestamp))
        {
            _firstTimestamp = f.TimestampSeconds;
            _clock.Start();
        }

        TimeSpan due = TimeSpan.FromSeconds(f.TimestampSeconds - _firstTimestamp) - _clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            if (cancellationToken.WaitHandle.WaitOne(due))
            {
                f.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        return f;
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
