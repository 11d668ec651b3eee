namespace VisionTracker.Shelf;

/// <summary>
/// A <see cref="ZoneMonitor"/>'s counts, counted track ids, remembered tracks and open visits in a small serialisable
/// form, so that another process can continue a stream's zone counts (camera takeover in the cluster).
/// </summary>
/// <remarks>
/// Times are relative to the last frame the monitor saw; a restored monitor treats its first frame as the snapshot's
/// frame. Pending (not yet stable) count changes and the detections kept for back-dating are not part of it.
/// </remarks>
public sealed record ZoneMonitorSnapshot
{
    /// <summary>Per zone, by name.</summary>
    public IReadOnlyList<ZoneStateSnapshot> Zones { get; init; } = [];

    /// <summary>Tracks the monitor remembers (seen now, or missing and still held).</summary>
    public IReadOnlyList<ZoneTrackSnapshot> Tracks { get; init; } = [];
}

/// <summary>One zone of a <see cref="ZoneMonitorSnapshot"/>.</summary>
public sealed record ZoneStateSnapshot
{
    /// <summary>Zone name.</summary>
    public required string Name { get; init; }

    /// <summary>Per counted class.</summary>
    public IReadOnlyList<ZoneClassSnapshot> Classes { get; init; } = [];

    /// <summary>Open visits (area zones).</summary>
    public IReadOnlyList<ZoneVisitSnapshot> Visits { get; init; } = [];
}

/// <summary>One class's count in one zone.</summary>
public sealed record ZoneClassSnapshot
{
    /// <summary>Class id.</summary>
    public int ClassId { get; init; }

    /// <summary>Whether the starting count was settled (after the zone's stable time).</summary>
    public bool Initialized { get; init; }

    /// <summary>The reported count.</summary>
    public int Count { get; init; }

    /// <summary>Track ids behind the count.</summary>
    public IReadOnlyList<int> Members { get; init; } = [];
}

/// <summary>One open visit of a track in an area zone.</summary>
public sealed record ZoneVisitSnapshot
{
    /// <summary>Track id.</summary>
    public int TrackId { get; init; }

    /// <summary>Class id.</summary>
    public int ClassId { get; init; }

    /// <summary>Seconds from the visit's start to the snapshot's frame.</summary>
    public double SecondsSinceStart { get; init; }

    /// <summary>Seconds from the visit's last frame inside to the snapshot's frame.</summary>
    public double SecondsSinceInside { get; init; }

    /// <summary>Whether its threshold dwell was already reported.</summary>
    public bool Reported { get; init; }
}

/// <summary>One track the monitor remembers.</summary>
public sealed record ZoneTrackSnapshot
{
    /// <summary>Track id.</summary>
    public int Id { get; init; }

    /// <summary>Class id.</summary>
    public int ClassId { get; init; }

    /// <summary>Last box, left edge in pixels.</summary>
    public float X1 { get; init; }

    /// <summary>Last box, top edge in pixels.</summary>
    public float Y1 { get; init; }

    /// <summary>Last box, right edge in pixels.</summary>
    public float X2 { get; init; }

    /// <summary>Last box, bottom edge in pixels.</summary>
    public float Y2 { get; init; }

    /// <summary>Seconds from its last sighting to the snapshot's frame.</summary>
    public double SecondsUnseen { get; init; }

    /// <summary>Names of the zones it was in when last seen.</summary>
    public IReadOnlyList<string> InZones { get; init; } = [];
}
