namespace VisionTracker;

/// <summary>
/// A failure caused by the user's input or environment (missing file, bad model, unreachable stream).
/// The message is one line that says what is wrong and what to do; the CLI prints it without a stack trace.
/// </summary>
public class VisionTrackerException : Exception
{
    /// <summary>Creates an exception with a user-facing message.</summary>
    public VisionTrackerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a user-facing message and its cause.</summary>
    public VisionTrackerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with no message.</summary>
    public VisionTrackerException()
    {
    }
}
