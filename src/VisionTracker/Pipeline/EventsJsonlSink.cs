using VisionTracker.Annotations;
using VisionTracker.Shelf;

namespace VisionTracker.Pipeline;

/// <summary>
/// Writes every event to a JSON-lines file as it happens (one object per line, flushed per line). Lines are in the
/// order events were confirmed (<c>confirmed_frame</c>); a shelf count event's <c>time</c>/<c>frame</c> is when the change
/// happened, <c>confirmed_after</c> seconds earlier, so <c>time</c> is not monotonic across zones (see <see cref="ShelfEvent"/>).
/// </summary>
public sealed class EventsJsonlSink : IFrameSink, IEventSink
{
    private readonly JsonlWriter _writer;

    /// <summary>Creates (or truncates) <paramref name="path"/>; <paramref name="append"/> keeps earlier lines (live runs).</summary>
    public EventsJsonlSink(string path, bool append = false) => _writer = new JsonlWriter(path, append);

    /// <summary>The file written.</summary>
    public string FilePath => _writer.FilePath;

    /// <summary>Events written so far.</summary>
    public long Count => _writer.Count;

    /// <summary>
    /// The line written for a shelf event: flat, snake-case, stable field names. <c>frame</c>/<c>time</c>: when the change
    /// happened; <c>confirmed_frame</c>/<c>confirmed_time</c>: when it was confirmed and written; <c>confirmed_after</c>:
    /// the difference in seconds.
    /// </summary>
    public static object ToRecord(object e) => e switch
    {
        ShelfEvent s => new
        {
            @event = s.KindName,
            zone = s.Zone,
            @class = s.ClassName,
            class_id = s.ClassId,
            track_id = s.TrackId,
            frame = s.FrameIndex,
            time = Math.Round(s.TimestampSeconds, 3),
            count = s.CountAfter,
            duration = s.DurationSeconds is { } d ? Math.Round(d, 3) : (double?)null,
            confirmed_frame = s.ConfirmedFrameIndex,
            confirmed_time = Math.Round(s.ConfirmedTimestampSeconds, 3),
            confirmed_after = Math.Round(s.ConfirmedAfterSeconds, 3),
        },
        _ => e,
    };

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        WriteEvents(result.Events);
    }

    /// <inheritdoc/>
    public void WriteEvents(IReadOnlyList<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (object e in events)
        {
            _writer.Write(ToRecord(e));
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();
}
