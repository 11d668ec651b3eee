using VisionTracker.Annotations;
using VisionTracker.Shelf;

namespace VisionTracker.Pipeline;

/// <summary>Writes every event to a JSON-lines file as it happens (one object per line, flushed per line).</summary>
public sealed class EventsJsonlSink : IFrameSink, IEventSink
{
    private readonly JsonlWriter _writer;

    /// <summary>Creates (or truncates) <paramref name="path"/>; <paramref name="append"/> keeps earlier lines (live runs).</summary>
    public EventsJsonlSink(string path, bool append = false) => _writer = new JsonlWriter(path, append);

    /// <summary>The file written.</summary>
    public string FilePath => _writer.FilePath;

    /// <summary>Events written so far.</summary>
    public long Count => _writer.Count;

    /// <summary>The line written for a shelf event: flat, snake-case, stable field names.</summary>
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
