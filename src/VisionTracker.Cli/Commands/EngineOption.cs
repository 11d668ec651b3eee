using System.CommandLine;

namespace VisionTracker.Cli.Commands;

/// <summary><c>--engine batched|workers</c>: the shape of the detector stage when several streams share one process.</summary>
internal static class EngineOption
{
    /// <summary>The default shape (see the README's multi-camera table for why).</summary>
    public const string Default = "batched";

    public static Option<string> Create() => new("--engine")
    {
        Description = "With several cameras: batched (one session, one batched call over the ready frames) or workers (one 1-thread session per core, one frame per call).",
        DefaultValueFactory = _ => Default,
    };
}
