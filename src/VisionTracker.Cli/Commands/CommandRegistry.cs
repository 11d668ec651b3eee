using System.CommandLine;

namespace VisionTracker.Cli.Commands;

/// <summary>The list of top-level commands, in help order.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return DetectCommand.Create();
        yield return InspectCommand.Create(); // temporary top-level home; moves under `vtrack models`
    }
}
