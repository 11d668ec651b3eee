using BenchmarkDotNet.Running;

namespace VisionTracker.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project tests/VisionTracker.Benchmarks -- --filter '*'</c>;
/// <c>-- quick</c> prints minimum-of-many Stopwatch timings of the association instead (for shared, noisy CPUs).
/// </summary>
internal static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "quick")
        {
            QuickTiming.Run();
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
