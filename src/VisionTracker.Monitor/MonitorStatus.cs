namespace VisionTracker.Monitor;

/// <summary>A snapshot of pipeline health, as <c>/api/status</c> serves it.</summary>
/// <param name="Frames">Frames the dashboard has received (every frame that went through the pipeline).</param>
/// <param name="LastFrameIndex">Source index of the last frame, or -1 before the first.</param>
/// <param name="Fps">Frames per second over the last second or so.</param>
/// <param name="DroppedFrames">Frames dropped because the detector was behind (live mode).</param>
/// <param name="SourceState">Source state as the host reports it (for example <c>running</c>, <c>reconnecting</c>, <c>ended</c>).</param>
/// <param name="Reconnects">Times the source reconnected.</param>
/// <param name="DetectorLatencyMs">Mean detector time per frame over recent frames, in milliseconds.</param>
/// <param name="Tracks">Tracks on the last frame.</param>
/// <param name="Events">Events received since start.</param>
/// <param name="StreamFrames">Annotated JPEG frames encoded for the stream.</param>
/// <param name="StreamClients">Open <c>/stream.mjpg</c> connections.</param>
/// <param name="EventClients">Open <c>/events</c> connections.</param>
/// <param name="UptimeSeconds">Seconds since the hub was created.</param>
/// <param name="CameraMotion">Camera motion that <c>--gmc</c> estimated, or null when it is off.</param>
public sealed record MonitorStatus(
    long Frames,
    long LastFrameIndex,
    double Fps,
    long DroppedFrames,
    string SourceState,
    long Reconnects,
    double DetectorLatencyMs,
    int Tracks,
    long Events,
    long StreamFrames,
    int StreamClients,
    int EventClients,
    double UptimeSeconds,
    MonitorCameraMotion? CameraMotion = null);

/// <summary>What camera-motion compensation (<c>--gmc</c>) estimated so far: displacement of the frame centre.</summary>
/// <param name="MeanPixels">Mean px per frame pair.</param>
/// <param name="MaxPixels">Largest px per frame pair.</param>
/// <param name="Unestimated">Frame pairs with too few tracked points (identity applied).</param>
/// <param name="EstimateMs">Mean estimator time per frame, in milliseconds.</param>
public sealed record MonitorCameraMotion(double MeanPixels, double MaxPixels, long Unestimated, double EstimateMs);
