using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>One decoded frame: its 0-based index in the source, its time in seconds, and the BGR image it owns.</summary>
public sealed class Frame : IDisposable
{
    /// <summary>Wraps an image; the frame takes ownership of <paramref name="image"/> and disposes it.</summary>
    public Frame(long index, double timestampSeconds, Mat image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Index = index;
        TimestampSeconds = timestampSeconds;
        Image = image;
    }

    /// <summary>0-based frame index in the source (before any stride is applied, so gaps are visible).</summary>
    public long Index { get; }

    /// <summary>Time of the frame in seconds from the start of the source.</summary>
    public double TimestampSeconds { get; }

    /// <summary>The image, 8-bit BGR.</summary>
    public Mat Image { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width => Image.Width;

    /// <summary>Image height in pixels.</summary>
    public int Height => Image.Height;

    /// <inheritdoc/>
    public void Dispose() => Image.Dispose();
}
