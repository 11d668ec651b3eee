
namespace VisionTracker.Tests.Infrastructure;

/// <summary>Runs <c>vtrack</c> in-process and captures stdout and stderr. Tests using it sit in the non-parallel "VideoCli" collection.</summary>
internal static class CliRunner
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        await Gate.WaitAsync();
        TextWriter oldOut = Console.Out, oldErr = Console.Error;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        try
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            int code = await VisionTracker.Cli.Program.RunAsync(args);
            return (code, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
            Gate.Release();
        }
    }
}

[CollectionDefinition("VideoCli", DisableParallelization = true)]
public sealed class VideoCliCollection
{
}
