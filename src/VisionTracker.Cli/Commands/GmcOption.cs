using System.CommandLine;
using System.Globalization;
using VisionTracker.Pipeline;

namespace VisionTracker.Cli.Commands;

/// <summary><c>--gmc</c>: camera-motion compensation for a moving camera (off by default), shared by track and live.</summary>
internal static class GmcOption
{
    public static Option<bool> Create() => new("--gmc")
    {
        Description = "Compensate camera motion (BoT-SORT's GMC: sparse optical flow outside the frame's detected objects and a RANSAC similarity, per stream) for a moving, panning or shaking camera. Off by default: it costs about a fifth of a detector call per frame and changes nothing on a fixed camera (docs/tracking-quality.md).",
    };

    // A tracker that cannot take camera motion is refused by the pipeline itself (PipelineStream.CheckCameraMotion, a
    // VisionTrackerException); every tracker the CLI offers can.

    /// <summary>A cameras-table cell: the mean and max camera motion (px/frame), or "off".</summary>
    public static string DescribeShort(PipelineStats stats) => stats.CameraMotion is { } m
        ? string.Create(CultureInfo.InvariantCulture, $"{m.MeanPixels:0.0} / {m.MaxPixels:0.0}")
        : "off";

    /// <summary>The summary row: off, or on with the camera motion it estimated and what it cost.</summary>
    public static string Describe(PipelineStats stats)
    {
        if (stats.CameraMotion is not { } m)
        {
            return "off (--gmc compensates a moving camera)";
        }

        // Motion of the frame centre, per frame pair (every frame after the first); short enough for one table line.
        string missed = m.Unestimated > 0 ? string.Create(CultureInfo.InvariantCulture, $", {m.Unestimated} of {m.Frames} frames not estimated") : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"on: camera motion {m.MeanPixels:0.0} px/frame mean, {m.MaxPixels:0.0} max, {m.Estimate.MeanMs:0.0} ms/frame{missed}");
    }
}
