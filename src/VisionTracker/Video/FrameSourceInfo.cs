namespace VisionTracker.Video;

/// <summary>What is known about a source once it is open.</summary>
/// <param name="Name">A short display name (file name, camera index, URL without credentials, sequence name).</param>
/// <param name="Kind">What the source reads from.</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="Fps">Frames per second as reported by the source (nominal for cameras and streams).</param>
/// <param name="FrameCount">Number of frames the source will yield after range and stride, or null when unknown (live).</param>
public sealed record FrameSourceInfo(string Name, FrameSourceKind Kind, int Width, int Height, double Fps, long? FrameCount);
