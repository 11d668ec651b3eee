namespace VisionTracker.Tracking;

/// <summary>Lifecycle of a track (ByteTrack's New/Tracked/Lost/Removed, with DeepSORT's tentative confirmation).</summary>
public enum TrackState
{
    /// <summary>Started from an unmatched detection; not output until it has <see cref="TrackerOptions.ConfirmHits"/> hits.</summary>
    Tentative,

    /// <summary>Matched recently; output every frame it is matched.</summary>
    Confirmed,

    /// <summary>Unmatched; kept for <see cref="TrackerOptions.LostSeconds"/> so it can be re-found.</summary>
    Lost,

    /// <summary>Gone for good; its id is never reused.</summary>
    Removed,
}
