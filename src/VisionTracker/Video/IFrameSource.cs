namespace VisionTracker.Video;

/// <summary>A source of decoded frames: a video file, a camera, a network stream or an image sequence.</summary>
public interface IFrameSource : IDisposable
{
    /// <summary>Size, rate and length of the source.</summary>
    FrameSourceInfo Info { get; }

    /// <summary>
    /// Reads the next frame. Returns null at the end of a finite source. The caller owns and disposes the frame.
    /// </summary>
    /// <exception cref="VisionTrackerException">The source failed in a way the user must fix (corrupt or truncated file, stream gone for good).</exception>
    Frame? Read(CancellationToken cancellationToken = default);
}
