using Spectre.Console;

namespace VisionTracker.Cli.Rendering;

/// <summary>
/// The console to render tables and progress on. Spectre's static <see cref="AnsiConsole"/> binds to the
/// <see cref="Console.Out"/> it first sees; this one follows the current <see cref="Console.Out"/>, so output that is
/// redirected later (in-process tests, hosts that capture the CLI) still receives it.
/// </summary>
internal static class Terminal
{
    /// <summary>A console writing to the current <see cref="Console.Out"/>.</summary>
    public static IAnsiConsole Out => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
}
