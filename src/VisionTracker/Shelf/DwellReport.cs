namespace VisionTracker.Shelf;

/// <summary>When an <see cref="ZoneKind.Area"/> zone reports a dwell.</summary>
public enum DwellReport
{
    /// <summary>When the visit ends (the track left the zone or vanished, or the stream ended), with the whole visit's duration. Best for reports.</summary>
    OnExit,

    /// <summary>As soon as the visit passes the zone's dwell threshold, with the time spent so far. Best for live alerts.</summary>
    OnThreshold,
}
