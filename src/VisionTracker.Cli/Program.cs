using System.CommandLine;
using VisionTracker.Cli.Commands;

namespace VisionTracker.Cli;

/// <summary>The <c>vtrack</c> entry point.</summary>
internal static class Program
{
    /// <summary>Builds the command tree. Each command lives in its own file under Commands/.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("VisionTracker: detect, track and monitor objects in video with DETR-family models.");
        foreach (Command c in CommandRegistry.All())
        {
            root.Subcommands.Add(c);
        }

        return root;
    }

    public static async Task<int> Main(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
