using System.CommandLine;
using VisionTracker.Tracking;

namespace VisionTracker.Cli.Commands;

/// <summary>The <c>--tracker</c> option and the factory behind it (shared by track, bench and live).</summary>
internal static class TrackerChoice
{
    /// <summary>Names accepted by <c>--tracker</c>.</summary>
    public static readonly string[] Names = ["attention", "iou"];

    public static Option<string> CreateOption() =>
        new Option<string>("--tracker") { Description = "attention: cross-attention matching on decoder (or re-ID) embeddings plus geometry; iou: ByteTrack-style IoU baseline.", DefaultValueFactory = _ => "attention" }
            .AcceptOnlyFromAmong(Names);

    public static ITracker Create(string name) => name switch
    {
        "iou" => new IouTracker(),
        "attention" => new CrossAttentionTracker(),
        _ => throw new VisionTrackerException($"Unknown tracker '{name}'. Valid: {string.Join(", ", Names)}."),
    };
}
