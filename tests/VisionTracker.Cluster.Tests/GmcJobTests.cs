using System.Globalization;
using System.Text.RegularExpressions;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>
/// <c>vtrack submit --gmc</c> (issue 14): the job carries camera-motion compensation to the worker, which runs the
/// estimator on that job's stream only and logs the motion it found; a job without it runs none.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed partial class GmcJobTests
{
    [Fact]
    public async Task Submit_gmc_compensates_that_job_only_and_the_worker_reports_the_motion()
    {
        using var nats = new NatsServer();
        using var worker = Vtrack.Start("worker", "--nats", nats.Url, "--no-cameras", "--id", "w-gmc", "--model", "atto", "--threads", "1");

        // MOT17-05 is filmed walking (6-7 px/frame); the same sequence is submitted with and without --gmc.
        string seq = TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-05-FRCNN"));
        string on, off;
        using (var submit = Vtrack.Run(TimeSpan.FromMinutes(4), "submit", seq, "--gmc", "--export", "mot", "--wait", "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output + "\n--- worker\n" + worker.Output);
            on = JobId(submit.StdOut);
        }

        using (var submit = Vtrack.Run(TimeSpan.FromMinutes(4), "submit", seq, "--export", "mot", "--wait", "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output + "\n--- worker\n" + worker.Output);
            off = JobId(submit.StdOut);
        }

        // The "done" line follows the gmc line; wait for the second job's before reading the log.
        await Eventually.WaitAsync(async () => { await Task.Yield(); return worker.StdErr.Any(l => l.Contains($"job {off}: done", StringComparison.Ordinal)) ? "done" : null; }, TimeSpan.FromSeconds(30), () => worker.Output);
        string[] log = [.. worker.StdErr];
        string line = Assert.Single(log, l => l.Contains($"job {on}: gmc on: camera motion", StringComparison.Ordinal));
        double mean = double.Parse(MotionMean().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.True(mean > 2, $"MOT17-05 (moving camera) through a --gmc job: {line}");
        Assert.DoesNotContain(log, l => l.Contains($"job {off}: gmc", StringComparison.Ordinal));
    }

    /// <summary>submit prints "ID  SOURCE" first for each job.</summary>
    private static string JobId(IReadOnlyList<string> stdout) => stdout[0].Split(' ', 2)[0];

    [GeneratedRegex(@"camera motion ([0-9.]+) px/frame mean")]
    private static partial Regex MotionMean();
}
