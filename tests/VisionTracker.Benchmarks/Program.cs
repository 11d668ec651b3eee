using BenchmarkDotNet.Running;

namespace VisionTracker.Benchmarks;

/// <summary>
/// Runs the benchmarks: <c>dotnet run -c Release --project tests/VisionTracker.Benchmarks -- --filter '*'</c>;
/// <c>-- quick</c> prints minimum-of-many Stopwatch timings of the association instead (for shared, noisy CPUs);
/// <c>-- tracking [variant ...]</c> runs the tracker ablation on real data (<see cref="TrackingAblation"/>);
/// <c>-- gmc-cost</c> times camera-motion estimation against the Femto detector on the same frames.
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

        if (args.Length == 1 && args[0] == "gmc-cost")
        {
            TrackingAblation.GmcCost();
            return;
        }

        if (args.Length == 1 && args[0] == "det-precision")
        {
            TrackingAblation.DetectionPrecision();
            return;
        }

        if (args.Length >= 2 && args[0] == "gmc-motion")
        {
            TrackingAblation.GmcMotion(args[1..]);
            return;
        }

        if (args.Length >= 1 && args[0] == "tracking")
        {
            TrackingAblation.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
