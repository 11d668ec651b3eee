using System.CommandLine;

namespace VisionTracker.Cli;

/// <summary>Wraps command handlers so that user mistakes print one line and a named exit code, never a stack trace.</summary>
internal static class CliAction
{
    /// <summary>Sets <paramref name="handler"/> as the command's action with the project's error handling.</summary>
    public static void SetHandler(this Command command, Func<ParseResult, CancellationToken, Task<int>> handler)
    {
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await handler(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (VisionTrackerException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                if (Environment.GetEnvironmentVariable("VTRACK_DEBUG") == "1")
                {
                    Console.Error.WriteLine(ex);
                }

                return ExitCodes.BadInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("cancelled: outputs were flushed.");
                return ExitCodes.Cancelled;
            }
        });
    }

    /// <summary>Sets a synchronous handler with the project's error handling.</summary>
    public static void SetHandler(this Command command, Func<ParseResult, int> handler) =>
        command.SetHandler((p, _) => Task.FromResult(handler(p)));
}
