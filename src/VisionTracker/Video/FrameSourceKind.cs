namespace VisionTracker.Video;

/// <summary>What a frame source reads from.</summary>
public enum FrameSourceKind
{
    /// <summary>A video file on disk.</summary>
    File,

    /// <summary>A local camera by index.</summary>
    Camera,

    /// <summary>A network stream (rtsp://, http://, https://).</summary>
    Stream,

    /// <summary>A MOTChallenge sequence folder (img1/ + seqinfo.ini).</summary>
    ImageSequence,
}
