using System.CommandLine;

namespace VisionTracker.Cli.Commands;

/// <summary>The list of top-level commands, in help order.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> All()
    {
        yield return InfoCommand.Create();
        yield return TrackCommand.Create();
        yield return DetectCommand.Create();
        yield return BenchCommand.Create();
        yield return LiveCommand.Create();
        yield return EvalCommand.Create();
        yield return ConvertCommand.Create();
        yield return ModelsCommand.Create();
        foreach (Command c in ClusterCommands.All())
        {
            yield return c;
        }
    }
}
