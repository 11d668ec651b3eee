namespace VisionTracker.Video;

/// <summary>Which decoder reads rtsp/http streams.</summary>
public enum StreamBackend
{
    /// <summary>The <c>ffmpeg</c> command-line tool when it is on PATH, else OpenCV's FFMPEG backend.</summary>
    Auto,

    /// <summary>OpenCV's built-in FFMPEG backend. The pinned Linux OpenCvSharp runtime is built without network support, so this fails there.</summary>
    OpenCv,

    /// <summary>A child <c>ffmpeg</c> process that decodes the stream to raw BGR frames on a pipe.</summary>
    FfmpegCli,
}
