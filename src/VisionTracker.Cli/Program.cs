using System.CommandLine;
using VisionTracker.Cli.Commands;

namespace VisionTracker.Cli;

/// <summary>The <c>vtrack</c> entry point.</summary>
internal static class Program
{
    /// <summary>How long a stop signal waits for the running command to flush its outputs before the process exits.</summary>
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(60);

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

    public static Task<int> Main(string[] args)
    {
        // Before any work: long-running commands restart themselves with glibc's arenas capped (flat memory).
        MallocArenaLimit.ReexecIfNeeded(args);
        return RunAsync(args);
    }

    /// <summary>Parses and runs one command line; returns the exit code (also the in-process entry for tests).</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = BuildRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // A mistake on the command line is the user's input, not a bug: one line each, and the input exit code.
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}").ConfigureAwait(false);
            }

            string command = string.Join(' ', parse.CommandResult.Command is { } c && c != parse.RootCommandResult.Command ? ["vtrack", c.Name] : new[] { "vtrack" });
            await Console.Error.WriteLineAsync($"run '{command} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        // Ctrl+C / SIGTERM cancel the run; the handler then flushes every export (COCO of a long run, the MP4's
        // trailer). System.CommandLine's default gives it 2 s before returning anyway, which cut those short.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = ShutdownGrace }).ConfigureAwait(false);
    }
}
