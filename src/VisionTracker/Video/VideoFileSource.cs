using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>Reads frames from a video file with OpenCV's FFMPEG backend.</summary>
public sealed class VideoFileSource : IFrameSource
{
    private readonly VideoCapture _capture;
    private long _index;

    /// <summary>Opens <paramref name="path"/>.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or cannot be decoded as video.</exception>
    public VideoFileSource(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Video file not found: {path}. Check the path, or set VISIONTRACKER_DATA to the folder holding videos/.");
        }

        _capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!_capture.IsOpened())
        {
            _capture.Dispose();
            throw new VisionTrackerException($"Cannot open {path} as a video: the file is not a video OpenCV's FFMPEG backend can decode.");
        }

        double fps = _capture.Fps;
        Info = new FrameSourceInfo(Path.GetFileName(path), FrameSourceKind.File, _capture.FrameWidth, _capture.FrameHeight, fps > 0 ? fps : 25, _capture.FrameCount > 0 ? _capture.FrameCount : null);
    }

    /// <inheritdoc/>
    public FrameSourceInfo Info { get; }

    /// <inheritdoc/>
    public Frame? Read(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var mat = new Mat();
        if (!_capture.Read(mat) || mat.Empty())
        {
            mat.Dispose();
            return null;
        }

        long i = _index++;
        return new Frame(i, i / Info.Fps, mat);
    }

    /// <inheritdoc/>
    public void Dispose() => _capture.Dispose();
}
