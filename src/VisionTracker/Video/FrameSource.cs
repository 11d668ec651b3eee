using System.Globalization;

namespace VisionTracker.Video;

/// <summary>Opens the right <see cref="IFrameSource"/> for what the user typed.</summary>
public static class FrameSource
{
    /// <summary>
    /// Opens <paramref name="spec"/>: an rtsp://, http:// or https:// URL is a <see cref="StreamSource"/>; an existing
    /// file is a <see cref="VideoFileSource"/>; an all-digit string is a <see cref="CameraSource"/> index; a folder with
    /// img1/ is a <see cref="MotSequenceSource"/>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The path is missing, the folder is not a MOT sequence, or the source does not open.</exception>
    public static IFrameSource Open(string spec, FrameSourceOptions? options = null)
    {
        options ??= FrameSourceOptions.Default;
        options.Validate();
        if (string.IsNullOrWhiteSpace(spec))
        {
            throw new VisionTrackerException("No source given: pass a video file, a MOT sequence folder, a camera index (0) or an rtsp/http URL.");
        }

        if (IsStreamUrl(spec))
        {
            return new StreamSource(spec, options);
        }

        if (File.Exists(spec))
        {
            return new VideoFileSource(spec, options);
        }

        if (spec.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(spec, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                throw new VisionTrackerException($"Camera index {spec} is too large: pass a small index such as 0.");
            }

            return new CameraSource(index, options);
        }

        if (Directory.Exists(spec))
        {
            if (MotSequenceSource.IsSequence(spec))
            {
                return new MotSequenceSource(spec, options);
            }

            string? child = Directory.EnumerateDirectories(spec).Where(MotSequenceSource.IsSequence).Order(StringComparer.Ordinal).FirstOrDefault();
            string hint = child is null ? string.Empty : $" It contains sequences: pass one, e.g. {child}.";
            throw new VisionTrackerException($"{spec} is a folder but not a MOT sequence: it has no img1/ folder. Pass a sequence folder (img1/ + seqinfo.ini), a video file, a camera index or a URL.{hint}");
        }

        throw new VisionTrackerException($"Source not found: {spec}. Pass an existing video file, a MOT sequence folder, a camera index (0) or an rtsp/http URL; check the path and the working directory.");
    }

    /// <summary>True for rtsp://, rtsps://, rtmp://, http:// and https:// URLs.</summary>
    public static bool IsStreamUrl(string spec) =>
        spec.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase)
        || spec.StartsWith("rtsps://", StringComparison.OrdinalIgnoreCase)
        || spec.StartsWith("rtmp://", StringComparison.OrdinalIgnoreCase)
        || spec.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || spec.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
