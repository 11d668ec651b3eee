using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>The part of a capture device a live source needs; a seam so reconnect logic can be tested without a server.</summary>
internal interface ICapture : IDisposable
{
    int Width { get; }

    int Height { get; }

    double Fps { get; }

    /// <summary>Reads the next frame into <paramref name="image"/>; false when the read failed or timed out.</summary>
    bool Read(Mat image);
}
