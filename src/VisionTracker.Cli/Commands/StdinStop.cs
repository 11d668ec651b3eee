using System.CommandLine;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>--stop-on-stdin-eof</c> for track and live: the end of standard input stops the run as Ctrl+C does (every
/// export flushed). For supervisors that hold a pipe to vtrack's stdin: when the supervisor exits or closes the pipe,
/// vtrack stops cleanly instead of running on as an orphan. Off by default, because services, nohup and cron start
/// programs with stdin at /dev/null, where the end of input comes at once and means nothing.
/// </summary>
internal static class StdinStop
{
    /// <summary>Creates the option.</summary>
    public static Option<bool> CreateOption() => new("--stop-on-stdin-eof") { Description = "Stop (flushing every output, as Ctrl+C) when standard input reaches its end: for supervisors that pipe into vtrack. Off by default." };

    /// <summary>
    /// A token cancelled by <paramref name="cancellationToken"/> or, when <paramref name="enabled"/>, by the end of
    /// standard input. Dispose the returned source after the run.
    /// </summary>
    public static CancellationTokenSource Link(bool enabled, CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!enabled)
        {
            return cts;
        }

        // A blocking read on a background thread: it never keeps the process alive, and needs no console features.
        var reader = new Thread(() =>
        {
            try
            {
                using Stream stdin = Console.OpenStandardInput();
                byte[] buffer = new byte[256];
                while (stdin.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            try
            {
                Console.Error.WriteLine("standard input closed: stopping.");
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        })
        { IsBackground = true, Name = "stdin-eof" };
        reader.Start();
        return cts;
    }
}
