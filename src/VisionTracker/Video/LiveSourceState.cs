namespace VisionTracker.Video;

/// <summary>Connection state of a live source (camera or stream).</summary>
public enum LiveSourceState
{
    /// <summary>Open and delivering frames.</summary>
    Connected,

    /// <summary>Reads failed; the source is waiting out a backoff or reopening.</summary>
    Reconnecting,

    /// <summary>Every reconnect attempt failed; the source is finished.</summary>
    Failed,
}
