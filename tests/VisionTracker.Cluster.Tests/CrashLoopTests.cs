using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>
/// A job whose worker dies (kill -9) on every delivery: once JetStream's MaxDeliver is used up, its max-deliveries
/// advisory makes the job show as failed in <c>vtrack jobs</c>, not as running on a dead worker.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class CrashLoopTests
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Job_that_kills_its_worker_on_every_delivery_is_failed_after_MaxDeliver()
    {
        using var nats = new NatsServer();
        string[] worker = ["worker", "--nats", nats.Url, "--model", "atto", "--threads", "1", "--ack-wait", "3", "--max-deliver", "2", "--no-cameras"];
        using (var submit = Vtrack.Run(CommandBound, "submit", TestData.Video("store-aisle.mp4"), "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output);
        }

        await using var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = nats.Url });
        var client = new ClusterClient(cluster);
        string jobId = Assert.Single(await client.ListJobsAsync(default)).Id;

        // Each delivery: a worker starts the job and is killed mid-job (no ack, no nak: what a crash leaves).
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            using var w = Vtrack.Start([.. worker, "--id", $"crash{attempt}"]);
            string running = $"job {jobId}: running";
            await Eventually.WaitAsync(async () => { await Task.Yield(); return w.StdErr.Any(l => l.Contains(running, StringComparison.Ordinal) && l.Contains($"(attempt {attempt})", StringComparison.Ordinal)) ? "running" : null; }, TimeSpan.FromMinutes(1), () => w.Output);
            w.KillHard();
            JobState stale = (await client.GetJobAsync(jobId, default))!;
            Assert.Equal(JobState.Running, stale.State);
        }

        // A healthy worker: JetStream does not deliver the job a third time; its advisory marks the job failed.
        using var survivor = Vtrack.Start([.. worker, "--id", "healthy"]);
        JobState failed = await Eventually.WaitAsync(
            async () => await client.GetJobAsync(jobId, default) is { State: JobState.Failed } s ? s : null,
            TimeSpan.FromMinutes(1),
            () => survivor.Output);
        Assert.Contains("MaxDeliver", failed.Error, StringComparison.Ordinal);
        Assert.Equal(2, failed.Attempt);
        Assert.DoesNotContain(survivor.StdErr, l => l.Contains($"job {jobId}: running", StringComparison.Ordinal));

        using (var jobs = Vtrack.Run(CommandBound, "jobs", "--nats", nats.Url))
        {
            Assert.True(jobs.ExitCode == 0, jobs.Output);
            // The table wraps long cells; the job's row starts with the head of its id and shows its state.
            string line = Assert.Single(jobs.StdOut, l => l.Contains(jobId[..8], StringComparison.Ordinal));
            Assert.Matches(@"│ failed\s+│ crash2 ", line);
        }

        // Nothing left on the work queue; the dead-letter stream holds JetStream's advisory and the job's dead letter.
        Assert.Equal(0L, (await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream)).Info.State.Messages);
        var consumer = await cluster.JetStream.CreateOrderedConsumerAsync(ClusterNames.DeadStream);
        var letters = new List<(string Subject, string? Job)>();
        await foreach (var m in consumer.FetchAsync<byte[]>(new NATS.Client.JetStream.NatsJSFetchOpts { MaxMsgs = 10, Expires = TimeSpan.FromSeconds(3) }))
        {
            letters.Add((m.Subject, m.Headers is { } h && h.TryGetValue("Vtrack-Job", out var j) ? j.ToString() : null));
        }

        Assert.Equal([(ClusterNames.MaxDeliveriesAdvisory, (string?)null), (ClusterNames.DeadJobsSubject, jobId)], letters);
        Assert.True(survivor.Terminate(TimeSpan.FromSeconds(30)), survivor.Output);
        Assert.Equal(0, survivor.ExitCode);
    }
}
