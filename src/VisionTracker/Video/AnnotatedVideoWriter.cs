using System.Globalization;
using OpenCvSharp;
using VisionTracker.Detection;

namespace VisionTracker.Video;

/// <summary>
/// Writes an MP4 with boxes, track ids, class names and short trails (the last <see cref="TrailLength"/> centres
/// of each track) drawn over the frames. Colours are stable per track id. The file is H.264 through the system
/// ffmpeg when it is there (plays in browsers), else mp4v through OpenCV. It is written under
/// <see cref="PartialPath"/> and renamed to <see cref="FilePath"/> only when complete (<see cref="Finish"/> or
/// Dispose), so a killed run leaves the previous complete file or a file named <c>*.partial.mp4</c>, never a
/// truncated file under the final name.
/// </summary>
public sealed class AnnotatedVideoWriter : IDisposable
{
    /// <summary>Number of centres kept per track for its trail.</summary>
    public const int TrailLength = 30;

    private const int ForgetAfterFrames = 90;
    private readonly IFrameEncoder _encoder;
    private readonly Mat _canvas = new();
    private readonly Func<int, string> _className;
    private readonly Dictionary<int, Trail> _trails = [];
    private readonly List<int> _stale = [];
    private long _frame;
    private bool _disposed;
    private bool _finished;

    /// <summary>Opens the output file.</summary>
    /// <param name="path">Output .mp4 path.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="fps">Frames per second.</param>
    /// <param name="codec">"auto" (default): H.264 through the system ffmpeg when it is on PATH with libx264, else mp4v through OpenCV; "h264": ffmpeg required; any other 4 characters: an OpenCV fourcc (the official OpenCvSharp Linux runtime encodes mp4v but not avc1).</param>
    /// <param name="className">Class id to label; default COCO-80 names.</param>
    /// <exception cref="VisionTrackerException">The writer cannot be opened.</exception>
    public AnnotatedVideoWriter(string path, int width, int height, double fps, string codec = "auto", Func<int, string>? className = null)
    {
        if (width <= 0 || height <= 0 || !(fps > 0))
        {
            throw new VisionTrackerException(FormattableString.Invariant($"{path}: invalid video size {width}x{height} at {fps} fps; pass a positive size and fps."));
        }

        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        FilePath = path;
        PartialPath = PartialPathOf(path);
        Width = width;
        Height = height;
        _className = className ?? CocoClasses.NameOf;
        _encoder = FrameEncoders.Open(PartialPath, width, height, fps, codec);
    }

    /// <summary>Gets the output path (it exists once the video is complete).</summary>
    public string FilePath { get; }

    /// <summary>Gets the path written while the video is incomplete: <c>NAME.partial.mp4</c> beside <see cref="FilePath"/>.</summary>
    public string PartialPath { get; }

    /// <summary>Gets what encodes the video, e.g. "H.264 (libx264 via ffmpeg, yuv420p, faststart)" or "mp4v (OpenCV; ...)".</summary>
    public string Encoder => _encoder.Description;

    /// <summary>Gets the frame width.</summary>
    public int Width { get; }

    /// <summary>Gets the frame height.</summary>
    public int Height { get; }

    /// <summary>Gets the number of frames written.</summary>
    public long FramesWritten => _frame;

    /// <summary>Draws <paramref name="detections"/> over a copy of <paramref name="image"/> and appends it. The input is not changed.</summary>
    /// <param name="image">BGR frame of the writer's size.</param>
    /// <param name="detections">Boxes of this frame; track ids are used when present.</param>
    /// <param name="overlay">Optional extra drawing (zones, counts) applied to the annotated copy before it is written.</param>
    public void Write(Mat image, Detections detections, Action<Mat>? overlay = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(detections);
        if (image.Width != Width || image.Height != Height)
        {
            throw new VisionTrackerException(FormattableString.Invariant($"{FilePath}: frame is {image.Width}x{image.Height} but the video is {Width}x{Height}; resize frames before writing."));
        }

        image.CopyTo(_canvas);
        var boxes = detections.Boxes;
        var scores = detections.Scores;
        var classes = detections.ClassIds;
        bool tracked = detections.HasTrackIds;
        var ids = detections.TrackIds;
        double fontScale = Math.Max(0.4, Height / 900.0);
        int thickness = Math.Max(1, Height / 360);

        for (int i = 0; i < detections.Count; i++)
        {
            int id = tracked ? ids[i] : -1;
            if (id >= 0)
            {
                if (!_trails.TryGetValue(id, out var trail))
                {
                    _trails[id] = trail = new Trail();
                }

                trail.Add(new Point((int)boxes[i].CenterX, (int)boxes[i].CenterY), _frame);
            }
        }

        foreach (var (id, trail) in _trails)
        {
            if (_frame - trail.LastSeen > ForgetAfterFrames)
            {
                _stale.Add(id);
                continue;
            }

            var color = TrackColors.For(id);
            for (int k = 1; k < trail.Count; k++)
            {
                Cv2.Line(_canvas, trail.At(k - 1), trail.At(k), color, thickness, LineTypes.AntiAlias);
            }
        }

        foreach (int id in _stale)
        {
            _trails.Remove(id);
        }

        _stale.Clear();

        for (int i = 0; i < detections.Count; i++)
        {
            int id = tracked ? ids[i] : -1;
            var b = boxes[i];
            var color = TrackColors.For(id);
            var rect = new Rect((int)b.X1, (int)b.Y1, Math.Max(1, (int)b.Width), Math.Max(1, (int)b.Height));
            Cv2.Rectangle(_canvas, rect, color, thickness + 1);
            string label = id >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"#{id} {_className(classes[i])} {scores[i]:0.00}")
                : string.Create(CultureInfo.InvariantCulture, $"{_className(classes[i])} {scores[i]:0.00}");
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, fontScale, thickness, out int baseline);
            int top = Math.Max(0, rect.Y - size.Height - baseline - 2);
            Cv2.Rectangle(_canvas, new Rect(rect.X, top, size.Width + 4, size.Height + baseline + 2), color, -1);
            Cv2.PutText(_canvas, label, new Point(rect.X + 2, top + size.Height + 1), HersheyFonts.HersheySimplex, fontScale, Scalar.Black, thickness, LineTypes.AntiAlias);
        }

        overlay?.Invoke(_canvas);
        _encoder.Write(_canvas);
        _frame++;
    }

    /// <summary>The partial file name for <paramref name="path"/>: <c>a/b.annotated.mp4</c> gives <c>a/b.annotated.partial.mp4</c>.</summary>
    public static string PartialPathOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string ext = Path.GetExtension(path);
        return string.Concat(path.AsSpan(0, path.Length - ext.Length), ".partial", ext);
    }

    /// <summary>Completes the video and renames it to <see cref="FilePath"/>; throws <see cref="VisionTrackerException"/> (leaving the partial file) when encoding failed.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        _encoder.Finish();
        File.Move(PartialPath, FilePath, overwrite: true);
    }

    /// <summary>Completes the video (as <see cref="Finish"/>, but quietly) and releases the encoder.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            Finish();
        }
        catch (VisionTrackerException)
        {
            // The encoder failed: the partial file stays, named as such; Finish reports it to callers that ask.
        }

        _encoder.Dispose();
        _canvas.Dispose();
    }

    /// <summary>A fixed ring of the last centres of one track.</summary>
    private sealed class Trail
    {
        private readonly Point[] _points = new Point[TrailLength];
        private int _start;

        public int Count { get; private set; }

        public long LastSeen { get; private set; }

        public void Add(Point p, long frame)
        {
            LastSeen = frame;
            if (Count < TrailLength)
            {
                _points[(_start + Count) % TrailLength] = p;
                Count++;
            }
            else
            {
                _points[_start] = p;
                _start = (_start + 1) % TrailLength;
            }
        }

        public Point At(int k) => _points[(_start + k) % TrailLength];
    }
}
