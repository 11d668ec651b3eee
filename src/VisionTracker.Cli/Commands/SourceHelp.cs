namespace VisionTracker.Cli.Commands;

/// <summary>The one description of a SOURCE argument, shared by every command that opens one.</summary>
internal static class SourceHelp
{
    /// <summary>What a SOURCE may be (see <c>FrameSource.Open</c>).</summary>
    public const string Text = "Video file, camera index (0), rtsp://, rtmp:// or http(s):// stream URL, or MOT sequence folder (img1/ with the frames, seqinfo.ini optional).";
}
