using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary><see cref="ICapture"/> over an OpenCV <see cref="VideoCapture"/>.</summary>
internal sealed class OpenCvCapture : ICapture
{
    // cv::CAP_PROP_OPEN_TIMEOUT_MSEC and cv::CAP_PROP_READ_TIMEOUT_MSEC (not in OpenCvSharp's enum).
    internal const int OpenTimeoutProperty = 53;
    internal const int ReadTimeoutProperty = 54;

    private readonly VideoCapture _capture;

    private OpenCvCapture(VideoCapture capture) => _capture = capture;

    public int Width => _capture.FrameWidth;

    public int Height => _capture.FrameHeight;

    public double Fps => _capture.Fps;

    /// <summary>Opens a URL with FFMPEG and the open/read timeouts; null when it does not open.</summary>
    public static OpenCvCapture? OpenUrl(string url, FrameSourceOptions options)
    {
        OpenCvRuntime.EnsureQuiet();
        int[] prms = [OpenTimeoutProperty, Millis(options.OpenTimeout), ReadTimeoutProperty, Millis(options.ReadTimeout)];
        return Wrap(new VideoCapture(url, VideoCaptureAPIs.FFMPEG, prms));
    }

    /// <summary>Opens a local camera by index with any backend; null when it does not open.</summary>
    public static OpenCvCapture? OpenCamera(int index, FrameSourceOptions options)
    {
        OpenCvRuntime.EnsureQuiet();
        int[] prms = [OpenTimeoutProperty, Millis(options.OpenTimeout), ReadTimeoutProperty, Millis(options.ReadTimeout)];
        return Wrap(new VideoCapture(index, VideoCaptureAPIs.ANY, prms));
    }

    public bool Read(Mat image) => _capture.Read(image) && !image.Empty();

    public void Dispose() => _capture.Dispose();

    private static OpenCvCapture? Wrap(VideoCapture capture)
    {
        if (capture.IsOpened())
        {
            return new OpenCvCapture(capture);
        }

        capture.Dispose();
        return null;
    }

    private static int Millis(TimeSpan t) => (int)Math.Clamp(t.TotalMilliseconds, 1, int.MaxValue);
}
