using VisionTracker.Shelf;

namespace VisionTracker.Pipeline;

/// <summary>Counts what a run produced: frames, distinct tracks per class, and events per kind (for the end-of-run table).</summary>
public sealed class RunSummary : IFrameSink, IEventSink
{
    private readonly Dictionary<int, HashSet<int>> _tracksByClass = [];
    private readonly Dictionary<string, int> _eventsByKind = new(StringComparer.Ordinal);
    private readonly List<ShelfEvent> _shelfEvents = [];

    /// <summary>Frames seen.</summary>
    public long Frames { get; private set; }

    /// <summary>Distinct track ids per class id.</summary>
    public IReadOnlyDictionary<int, int> TracksPerClass => _tracksByClass.ToDictionary(kv => kv.Key, kv => kv.Value.Count);

    /// <summary>Number of events per kind (taken, returned, empty, restocked, dwell, or a type name).</summary>
    public IReadOnlyDictionary<string, int> EventsPerKind => _eventsByKind;

    /// <summary>Every shelf event, in order.</summary>
    public IReadOnlyList<ShelfEvent> ShelfEvents => _shelfEvents;

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Frames++;
        var t = result.Tracks;
        if (t.HasTrackIds)
        {
            for (int i = 0; i < t.Count; i++)
            {
                if (!_tracksByClass.TryGetValue(t.ClassIds[i], out var ids))
                {
                    _tracksByClass[t.ClassIds[i]] = ids = [];
                }

                ids.Add(t.TrackIds[i]);
            }
        }

        WriteEvents(result.Events);
    }

    /// <inheritdoc/>
    public void WriteEvents(IReadOnlyList<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (object e in events)
        {
            string kind = e is ShelfEvent s ? s.KindName : e.GetType().Name;
            _eventsByKind[kind] = _eventsByKind.GetValueOrDefault(kind) + 1;
            if (e is ShelfEvent se)
            {
                _shelfEvents.Add(se);
            }
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
