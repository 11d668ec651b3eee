namespace VisionTracker.Tracking;

/// <summary>
/// A tracker's state in a small serialisable form, so that another process can continue a stream's track ids
/// (camera takeover in the cluster). Plain data: no OpenCV or ONNX Runtime types.
/// </summary>
/// <remarks>
/// Only confirmed and lost tracks are kept (a tentative track is a second of evidence at most, and is not output).
/// Times are relative to the last frame the tracker saw, so the snapshot carries no stream clock: a restored tracker
/// treats its first frame as the snapshot's frame (the gap in between is not counted as time unseen).
/// </remarks>
public sealed record TrackerSnapshot
{
    /// <summary>The id the next new track gets; restored, so ids are never reused.</summary>
    public int NextId { get; init; } = 1;

    /// <summary>The confirmed and lost tracks, in id order.</summary>
    public IReadOnlyList<TrackSnapshot> Tracks { get; init; } = [];

    /// <summary>The running embedding mean the tracks' embeddings are centred with, or null when none.</summary>
    public float[]? EmbeddingCenter { get; init; }
}

/// <summary>One track of a <see cref="TrackerSnapshot"/>.</summary>
public sealed record TrackSnapshot
{
    /// <summary>Track id.</summary>
    public int Id { get; init; }

    /// <summary>Class id.</summary>
    public int ClassId { get; init; }

    /// <summary>Last matched box, left edge in pixels.</summary>
    public float X1 { get; init; }

    /// <summary>Last matched box, top edge in pixels.</summary>
    public float Y1 { get; init; }

    /// <summary>Last matched box, right edge in pixels.</summary>
    public float X2 { get; init; }

    /// <summary>Last matched box, bottom edge in pixels.</summary>
    public float Y2 { get; init; }

    /// <summary>Last matched score.</summary>
    public float Score { get; init; }

    /// <summary>Whether the track was lost (unmatched) at the snapshot.</summary>
    public bool Lost { get; init; }

    /// <summary>Seconds from the track's last match to the snapshot's frame.</summary>
    public double SecondsUnseen { get; init; }

    /// <summary>The embedding memory (centred, unit norm), or null when the track has none.</summary>
    public float[]? Embedding { get; init; }
}

/// <summary>A tracker whose state can be captured and restored (see <see cref="TrackerSnapshot"/>).</summary>
public interface IRestorableTracker
{
    /// <summary>Captures the current state. Call on the thread that calls <see cref="ITracker.Update"/>.</summary>
    TrackerSnapshot Capture();

    /// <summary>
    /// Replaces the state with <paramref name="snapshot"/>: ids continue from <see cref="TrackerSnapshot.NextId"/>, and
    /// the snapshot's tracks come back as lost tracks at their last boxes, so the next frames re-find them by position
    /// and appearance within the lost time. Call before the first <see cref="ITracker.Update"/> of the stream.
    /// </summary>
    void Restore(TrackerSnapshot snapshot);
}
