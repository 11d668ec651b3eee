namespace VisionTracker.Shelf;

/// <summary>
/// One shelf or area event. Events are emitted when a debounced count changes, so <see cref="TimestampSeconds"/> is
/// the time the change was confirmed: the raw change plus the zone's <c>minStableSeconds</c> (and, for an item that
/// vanished, its hold time).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Zone">The zone's name.</param>
/// <param name="ClassId">Class index (COCO-80 for the bundled models).</param>
/// <param name="ClassName">Class name.</param>
/// <param name="TrackId">
/// For <see cref="ShelfEventKind.Taken"/>, the track that left or vanished; for <see cref="ShelfEventKind.Returned"/>,
/// the track that arrived; for <see cref="ShelfEventKind.Dwell"/>, the visitor. Null when not known (no track ids,
/// or for <see cref="ShelfEventKind.Empty"/> and <see cref="ShelfEventKind.Restocked"/>, which describe the zone).
/// </param>
/// <param name="FrameIndex">0-based frame index at which the event was emitted.</param>
/// <param name="TimestampSeconds">Stream time in seconds at which the event was emitted.</param>
/// <param name="CountAfter">The zone's count for this class after the event (for dwell, the zone's occupancy).</param>
/// <param name="DurationSeconds">For <see cref="ShelfEventKind.Dwell"/>, the time spent in the zone; otherwise null.</param>
public sealed record ShelfEvent(
    ShelfEventKind Kind,
    string Zone,
    int ClassId,
    string ClassName,
    int? TrackId,
    long FrameIndex,
    double TimestampSeconds,
    int CountAfter,
    double? DurationSeconds = null)
{
    /// <summary>The kind as a lower-case word (<c>taken</c>, <c>returned</c>, <c>empty</c>, <c>restocked</c>, <c>dwell</c>), as written to events JSONL.</summary>
    public string KindName => Kind switch
    {
        ShelfEventKind.Taken => "taken",
        ShelfEventKind.Returned => "returned",
        ShelfEventKind.Empty => "empty",
        ShelfEventKind.Restocked => "restocked",
        ShelfEventKind.Dwell => "dwell",
        _ => Kind.ToString(),
    };
}
