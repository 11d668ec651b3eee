namespace VisionTracker.Pipeline;

/// <summary>
/// A sink that also wants the events raised when the stream ends (for example dwell visits still open at the
/// last frame). The pipeline calls it on the writer stage after the last frame and before <see cref="IFrameSink.Complete"/>.
/// </summary>
public interface IEventSink
{
    /// <summary>Receives events that belong to no frame (raised at end of stream).</summary>
    void WriteEvents(IReadOnlyList<object> events);
}
