using System.Text.Json;

namespace VisionTracker.Monitor;

/// <summary>One event as the dashboard serves it (SSE <c>/events</c>, <c>/api/events</c>).</summary>
/// <param name="Id">Sequence number, 1-based, increasing; also the SSE event id.</param>
/// <param name="Type">The event's .NET type name (for example <c>ShelfEvent</c>).</param>
/// <param name="FrameIndex">Index of the frame on which the event was raised (for a shelf count event: confirmed; the time it happened is in <paramref name="Data"/>).</param>
/// <param name="TimestampSeconds">Time of that frame in the source.</param>
/// <param name="ReceivedAt">Wall-clock time at which the dashboard received it.</param>
/// <param name="Data">The event object serialized with System.Text.Json (camelCase, enums as strings).</param>
public sealed record LiveEvent(long Id, string Type, long FrameIndex, double TimestampSeconds, DateTimeOffset ReceivedAt, JsonElement Data);
