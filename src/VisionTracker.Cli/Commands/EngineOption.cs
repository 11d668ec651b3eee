using System.CommandLine;

namespace VisionTracker.Cli.Commands;

/// <summary><c>--engine batched|workers</c>: the shape of the detector stage when several streams share one process.</summary>
internal static class EngineOption
{
    /// <summary>
    /// The default: <c>auto</c> is workers on the CPU provider (DEIMv2 barely uses a second intra-op thread, so one
    /// 1-thread session per core does more), batched on a GPU (one call for every camera is what a GPU is for).
    /// See the README's multi-camera table.
    /// </summary>
    public const string Default = "auto";

    public static Option<string> Create() => new("--engine")
    {
        Description = "With several cameras: batched (one session, one batched call over the ready frames), workers (one 1-thread session per core, one frame per call), or auto (workers on cpu, batched on cuda/tensorrt).",
        DefaultValueFactory = _ => Default,
    };
}
