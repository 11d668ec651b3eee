namespace VisionTracker.Cli.Commands;

/// <summary>Defaults of the tracking commands.</summary>
internal static class TrackDefaults
{
    /// <summary>
    /// Detector score floor when tracking. Lower than <c>detect</c>'s 0.35 on purpose: the tracker's second stage
    /// uses low-score boxes to keep tracks alive through occlusion (ByteTrack), and only boxes above the tracker's
    /// own thresholds start or confirm tracks.
    /// </summary>
    public const float DetectionScore = 0.1f;
}
