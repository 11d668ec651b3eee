using System.Diagnostics;
using VisionTracker.Tracking;

namespace VisionTracker.Benchmarks;

/// <summary>Minimum-of-many Stopwatch timing of <see cref="AssociationBenchmarks"/> (robust on a shared, noisy CPU): <c>-- quick</c>.</summary>
internal static class QuickTiming
{
    public static void Run()
    {
        foreach (int n in new[] { 50, 300 })
        {
            foreach (MatchNormalization norm in Enum.GetValues<MatchNormalization>())
            {
                var b = new AssociationBenchmarks { N = n, Normalization = norm };
                b.Setup();
                int reps = n == 50 ? 2000 : 200;
                double best = double.MaxValue;
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int r = 0; r < reps; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    b.Associate();
                    best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }

                long alloc = GC.GetAllocatedBytesForCurrentThread() - before;
                Console.WriteLine(FormattableString.Invariant($"N={n,3} {norm,-11} min {best:0.000} ms  allocated {alloc} B over {reps} ops"));
            }
        }
    }
}
