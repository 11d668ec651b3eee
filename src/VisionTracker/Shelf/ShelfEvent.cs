namespace VisionTracker.Shelf;

/// <summary>
/// One shelf or area event.
/// </summary>
/// <remarks>
/// <para>
/// <b>Time of a count event.</b> <see cref="TimestampSeconds"/> and <see cref="FrameIndex"/> say when the change
/// happened: the first frame of the new count that then held (the frame an item left the zone or went out of sight,
/// or the frame it arrived), not when the debounce ended. The monitor can only know that the change was real later,
/// at <see cref="ConfirmedTimestampSeconds"/> (<see cref="ConfirmedFrameIndex"/>), which is
/// <see cref="ConfirmedAfterSeconds"/> later: about the zone's <c>minStableSeconds</c>, plus its <c>holdSeconds</c>
/// for an item that vanished.
/// </para>
/// <para>
/// <b>Order.</b> Events are emitted live, when confirmed, so they arrive in <see cref="ConfirmedFrameIndex"/> order and
/// a count event arrives after its own timestamp. Per zone and class the timestamps never go backwards (an event is never
/// back-dated before the previous event of its zone and class), so replaying one zone's events in arrival order gives
/// its count over time; across zones, and between count and dwell events, an event may carry an earlier timestamp
/// than one that arrived before it. Sort by <see cref="TimestampSeconds"/> (stably) for a timeline.
/// </para>
/// <para>Dwell events are not back-dated: they are stamped when reported, and <see cref="ConfirmedAfterSeconds"/> is 0.</para>
/// </remarks>
/// <param name="Kind">What happened.</param>
/// <param name="Zone">The zone's name.</param>
/// <param name="ClassId">Class index (COCO-80 for the bundled models).</param>
/// <param name="ClassName">Class name.</param>
/// <param name="TrackId">
/// For <see cref="ShelfEventKind.Taken"/>, the track that left or vanished; for <see cref="ShelfEventKind.Returned"/>,
/// the track that arrived; for <see cref="ShelfEventKind.Dwell"/>, the visitor. Null when not known (no track ids,
/// or for <see cref="ShelfEventKind.Empty"/> and <see cref="ShelfEventKind.Restocked"/>, which describe the zone).
/// </param>
/// <param name="FrameIndex">0-based index of the frame at which the change happened (for dwell: at which it was reported).</param>
/// <param name="TimestampSeconds">Stream time in seconds at which the change happened (for dwell: at which it was reported).</param>
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
    /// <summary>0-based index of the frame at which the event was confirmed and emitted (by default <see cref="FrameIndex"/>).</summary>
    public long ConfirmedFrameIndex { get; init; } = FrameIndex;

    /// <summary>Stream time in seconds at which the event was confirmed and emitted (by default <see cref="TimestampSeconds"/>).</summary>
    public double ConfirmedTimestampSeconds { get; init; } = TimestampSeconds;

    /// <summary>How long after the change it was confirmed: <see cref="ConfirmedTimestampSeconds"/> minus <see cref="TimestampSeconds"/>.</summary>
    public double ConfirmedAfterSeconds => ConfirmedTimestampSeconds - TimestampSeconds;

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
