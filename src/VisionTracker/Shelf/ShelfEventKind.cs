namespace VisionTracker.Shelf;

/// <summary>The kind of a <see cref="ShelfEvent"/>.</summary>
public enum ShelfEventKind
{
    /// <summary>A shelf zone's count dropped by one: an item was taken (left the zone or vanished).</summary>
    Taken,

    /// <summary>A shelf zone's count rose by one: an item was put back (or added).</summary>
    Returned,

    /// <summary>A shelf zone's count for a class reached 0.</summary>
    Empty,

    /// <summary>A shelf zone's count for a class left 0.</summary>
    Restocked,

    /// <summary>A track stayed in an area zone longer than the zone's dwell threshold.</summary>
    Dwell,
}
