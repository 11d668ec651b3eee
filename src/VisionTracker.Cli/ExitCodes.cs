namespace VisionTracker.Cli;

/// <summary>Process exit codes. Scripts may rely on these.</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug): the stack trace is printed.</summary>
    public const int Unhandled = 1;

    /// <summary>The user's input or environment is wrong (missing file, bad model, bad option): one line on stderr.</summary>
    public const int BadInput = 2;

    /// <summary>A check failed (for example a model whose sha256 does not match, or an evaluation below a bar).</summary>
    public const int CheckFailed = 3;

    /// <summary>Interrupted by Ctrl+C; outputs were flushed.</summary>
    public const int Cancelled = 130;
}
