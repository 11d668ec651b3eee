using System.Globalization;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Reads frames from a video file with OpenCV's FFMPEG backend. Timestamps are <c>index / fps</c>. When the file
/// ends before the frame count its container header promises, <see cref="Read"/> throws: the file is truncated.
/// </summary>
public sealed class VideoFileSource : IFrameSource
{
    private readonly VideoCapture _capture;
    private readonly FrameSourceOptions _options;
    private readonly string _path;
    private readonly long? _headerFrames;
    private long _next;

    /// <summary>Opens <paramref name="path"/> and reads every frame.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or cannot be decoded as video.</exception>
    public VideoFileSource(string path)
        : this(path, FrameSourceOptions.Default)
    {
    }

    /// <summary>Opens <paramref name="path"/> with a frame range and stride.</summary>
    /// <exception cref="VisionTrackerException">The file is missing, is not a video, or the options are invalid.</exception>
    public VideoFileSource(string path, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _path = path;
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Video file not found: {path}. Check the path, or set VISIONTRACKER_DATA to the folder holding videos/.");
        }

        if (new FileInfo(path).Length == 0)
        {
            throw new VisionTrackerException($"{path} is empty (0 bytes): copy or download the video again.");
        }

        OpenCvRuntime.EnsureQuiet();
        _capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG);
        if (!_capture.IsOpened() || _capture.FrameWidth <= 0 || _capture.FrameHeight <= 0)
        {
            _capture.Dispose();
            throw new VisionTrackerException($"Cannot open {path} as a video: it is not a video FFMPEG can decode, or it is truncated (an MP4 cut short loses its index). Check the file with `ffprobe`, or copy or download it again.");
        }

        double fps = _capture.Fps;
        int count = _capture.FrameCount;
        _headerFrames = count > 0 ? count : null;
        Fps = fps > 0 && double.IsFinite(fps) ? fps : 25;
        Info = new FrameSourceInfo(Path.GetFileName(path), FrameSourceKind.File, _capture.FrameWidth, _capture.FrameHeight, Fps, _headerFrames is { } m ? options.CountSelected(m) : null);
    }

    /// <inheritdoc/>
    public FrameSourceInfo Info { get; }

    /// <summary>The frame count the container header promises, or null when it does not say.</summary>
    public long? HeaderFrameCount => _headerFrames;

    private double Fps { get; }

    /// <inheritdoc/>
    /// <exception cref="VisionTrackerException">The file ends, or stops decoding, before the frame count in its header.</exception>
    public Frame? Read(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long i = _next;
            if (_options.IsPastEnd(i))
            {
                return null;
            }

            if (!_options.Selects(i))
            {
                // A frame before the start or between strides: grab (demux and decode) without converting to BGR.
                if (!_capture.Grab())
                {
                    return EndOfFile(i);
                }

                _next++;
                continue;
            }

            var mat = new Mat();
            if (!_capture.Read(mat) || mat.Empty())
            {
                mat.Dispose();
                return EndOfFile(i);
            }

            _next++;
            return new Frame(i, i / Fps, mat);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _capture.Dispose();

    private Frame? EndOfFile(long decoded)
    {
        if (_options.VerifyFrameCount && _headerFrames is { } promised && decoded < promised)
        {
            throw new VisionTrackerException(string.Create(CultureInfo.InvariantCulture, $"{_path} appears truncated at frame {decoded} of {promised}: decoding stopped before the frame count in its header. Copy or download the video again (if it plays to the end elsewhere, its header overstates the count: re-mux it with `ffmpeg -i IN -c copy OUT.mp4`)."));
        }

        return null;
    }
}
