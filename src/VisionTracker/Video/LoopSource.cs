namespace VisionTracker.Video;

/// <summary>
/// Plays a finite source several times in a row (reopening it each time), with frame indices and timestamps that
/// keep increasing across passes. For long runs (soak tests) and for demos of live mode on a short clip.
/// </summary>
public sealed class LoopSource : IFrameSource
{
    private readonly Func<IFrameSource> _open;
    private readonly int _passes;
    private IFrameSource _current;
    private int _pass;
    private long _indexOffset;
    private double _timeOffset;
    private long _lastIndex = -1;
    private double _lastTime;

    /// <summary>Plays the source from <paramref name="open"/> <paramref name="passes"/> times (0 = forever).</summary>
    public LoopSource(Func<IFrameSource> open, int passes)
    {
        _open = open ?? throw new ArgumentNullException(nameof(open));
        ArgumentOutOfRangeException.ThrowIfNegative(passes);
        _passes = passes;
        _current = open();
        var i = _current.Info;
        Info = i with { FrameCount = passes == 0 || i.FrameCount is null ? null : i.FrameCount * passes };
    }

    /// <inheritdoc/>
    public FrameSourceInfo Info { get; }

    /// <summary>The 0-based pass being played.</summary>
    public int Pass => _pass;

    /// <inheritdoc/>
    public Frame? Read(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Frame? f = _current.Read(cancellationToken);
            if (f is not null)
            {
                _lastIndex = f.Index + _indexOffset;
                _lastTime = f.TimestampSeconds + _timeOffset;
                if (_indexOffset == 0 && _timeOffset == 0)
                {
                    return f;
                }

                var shifted = new Frame(_lastIndex, _lastTime, f.Image);
                return shifted;
            }

            if (_passes != 0 && _pass + 1 >= _passes)
            {
                return null;
            }

            _pass++;
            _current.Dispose();
            _current = _open();
            _indexOffset = _lastIndex + 1;
            _timeOffset = _lastTime + (1.0 / Math.Max(1e-3, Info.Fps));
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _current.Dispose();
}
