using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>Writes the annotated MP4: boxes, ids, class names, trails and, when zones are monitored, zones with counts.</summary>
public sealed class AnnotatedVideoSink : IFrameSink
{
    private readonly AnnotatedVideoWriter _writer;
    private readonly ZoneObserver? _zones;
    private readonly Action<OpenCvSharp.Mat>? _overlay;

    /// <summary>Creates the writer for frames of the given size and rate.</summary>
    public AnnotatedVideoSink(string path, int width, int height, double fps, IReadOnlyList<string> classNames, ZoneObserver? zones = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        _writer = new AnnotatedVideoWriter(path, width, height, fps, className: id => id >= 0 && id < classNames.Count ? classNames[id] : CocoClasses.NameOf(id));
        _zones = zones;
        _overlay = zones is null ? null : canvas => ZoneOverlay.Draw(canvas, _zones!.Snapshot);
    }

    /// <summary>The file written.</summary>
    public string FilePath => _writer.FilePath;

    /// <summary>What encodes the video (H.264 through ffmpeg, or mp4v through OpenCV).</summary>
    public string Encoder => _writer.Encoder;

    /// <summary>Frames written.</summary>
    public long FramesWritten => _writer.FramesWritten;

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _writer.Write(result.Frame.Image, result.Tracks, _overlay);
    }

    /// <inheritdoc/>
    public void Complete() => _writer.Finish();

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
