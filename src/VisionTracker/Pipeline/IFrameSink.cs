namespace VisionTracker.Pipeline;

/// <summary>
/// Receives every tracked frame, in order, on the pipeline's writer stage (one thread), for example an annotation
/// writer, the annotated video or the live hub. <see cref="Complete"/> is called once at the end, also after a
/// cancellation, so that the sink can finish its file.
/// </summary>
public interface IFrameSink : IDisposable
{
    /// <summary>Handles one frame. The frame's image is valid only during the call.</summary>
    void Write(FrameResult result);

    /// <summary>Flushes and finalises the output. Called once, after the last <see cref="Write"/>.</summary>
    void Complete();
}
