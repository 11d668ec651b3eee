namespace VisionTracker.Video;

/// <summary>How a frame source is read: which frames (range and stride) and, for live sources, timeouts and reconnects.</summary>
public sealed record FrameSourceOptions
{
    /// <summary>Options that read every frame with the default timeouts.</summary>
    public static FrameSourceOptions Default { get; } = new();

    /// <summary>First source frame to yield (0-based, inclusive).</summary>
    public long StartFrame { get; init; }

    /// <summary>Source frame at which to stop (0-based, exclusive), or null to read to the end.</summary>
    public long? EndFrame { get; init; }

    /// <summary>Yield every <c>Stride</c>-th frame from <see cref="StartFrame"/> (1 = every frame). Skipped frames are decoded or grabbed but not returned.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>How long a camera or stream may take to open before it fails.</summary>
    public TimeSpan OpenTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a stream read may block before it counts as failed.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many times a live source tries to reopen after reads fail, before it gives up (0 = never).</summary>
    public int ReconnectAttempts { get; init; } = 5;

    /// <summary>Wait before the first reconnect attempt; it doubles after each failed attempt.</summary>
    public TimeSpan ReconnectInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound on the wait between reconnect attempts.</summary>
    public TimeSpan ReconnectMaxBackoff { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// When true (default), a video file that ends before the frame count in its container header is reported as
    /// truncated. Turn off for files whose header overstates the count (for example H.264 stream-copied into AVI).
    /// </summary>
    public bool VerifyFrameCount { get; init; } = true;

    /// <summary>Which decoder reads rtsp/http streams (default: the ffmpeg tool when installed, else OpenCV).</summary>
    public StreamBackend StreamBackend { get; init; } = StreamBackend.Auto;

    /// <summary>Receives one line per non-fatal problem (for example seqinfo.ini disagreeing with the images on disk). Null writes to stderr.</summary>
    public Action<string>? Warn { get; init; }

    /// <summary>Checks the values and throws a user-facing error for impossible ones.</summary>
    /// <exception cref="VisionTrackerException">A value is out of range.</exception>
    public void Validate()
    {
        if (StartFrame < 0)
        {
            throw new VisionTrackerException($"Start frame {StartFrame} is negative: pass --start 0 or more.");
        }

        if (EndFrame is { } end && end <= StartFrame)
        {
            throw new VisionTrackerException($"End frame {end} is not after start frame {StartFrame}: pass --end greater than --start (the end is exclusive).");
        }

        if (Stride < 1)
        {
            throw new VisionTrackerException($"Stride {Stride} is below 1: pass --stride 1 (every frame) or more.");
        }

        if (OpenTimeout <= TimeSpan.Zero || ReadTimeout <= TimeSpan.Zero)
        {
            throw new VisionTrackerException("Open and read timeouts must be positive: pass a value in seconds greater than 0.");
        }

        if (ReconnectAttempts < 0 || ReconnectInitialBackoff < TimeSpan.Zero || ReconnectMaxBackoff < ReconnectInitialBackoff)
        {
            throw new VisionTrackerException("Reconnect settings are invalid: attempts must be 0 or more and the maximum backoff at least the initial one.");
        }
    }

    /// <summary>Writes a warning line to <see cref="Warn"/>, or to stderr when none is set.</summary>
    internal void WriteWarning(string message)
    {
        if (Warn is { } w)
        {
            w(message);
        }
        else
        {
            Console.Error.WriteLine($"warning: {message}");
        }
    }

    /// <summary>True when source frame <paramref name="index"/> is one to yield (in range and on the stride).</summary>
    internal bool Selects(long index) => index >= StartFrame && (EndFrame is null || index < EndFrame) && (index - StartFrame) % Stride == 0;

    /// <summary>True when no frame at or after <paramref name="index"/> can be selected.</summary>
    internal bool IsPastEnd(long index) => EndFrame is { } end && index >= end;

    /// <summary>Number of frames yielded from a source of <paramref name="total"/> frames.</summary>
    internal long CountSelected(long total)
    {
        long stop = EndFrame is { } end ? Math.Min(end, total) : total;
        return stop <= StartFrame ? 0 : ((stop - StartFrame - 1) / Stride) + 1;
    }
}
