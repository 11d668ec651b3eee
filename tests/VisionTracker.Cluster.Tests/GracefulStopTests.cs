using NATS.Client.JetStream;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>SIGTERM mid-job: the worker hands the job back (Nak) and exits 0; the job stays queued and another worker finishes it.</summary>
[Trait("Category", Categories.RealData)]
public sealed class GracefulStopTests
{
    [Fact]
    public async Task Sigterm_mid_job_hands_it_back_and_the_next_worker_finishes_it()
    {
        using var nats = new NatsServer();
        using (var submit = Vtrack.Run(TimeSpan.FromMinutes(2), "submit", TestData.Video("bottle-detection.mp4"), "--frames", "400", "--export", "mot", "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output);
        }

        await using var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = nats.Url });
        var client = new ClusterClient(cluster);
        string id = Assert.Single(await client.ListJobsAsync(default)).Id;
        string[] worker = ["worker", "--nats", nats.Url, "--no-cameras", "--model", "atto", "--threads", "1"];

        using (var first = Vtrack.Start([.. worker, "--id", "w-stop"]))
        {
            await Eventually.WaitAsync(async () => await client.GetJobAsync(id, default) is { State: JobState.Running, Frames: > 0 } s ? s : null, TimeSpan.FromMinutes(3), () => first.Output);
            Assert.True(first.Terminate(TimeSpan.FromSeconds(60)), first.Output);
            Assert.True(first.ExitCode == 0, first.Output);
            Assert.Contains(first.StdErr, l => l.Contains($"job {id}: handed back", StringComparison.Ordinal));
        }

        JobState handedBack = (await client.GetJobAsync(id, default))!;
        Assert.Equal(JobState.Queued, handedBack.State);
        Assert.Equal(1L, (await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream)).Info.State.Messages);

        using var second = Vtrack.Start([.. worker, "--id", "w-next"]);
        JobState done = await Eventually.WaitAsync(async () => await client.GetJobAsync(id, default) is { State: JobState.Done } s ? s : null, TimeSpan.FromMinutes(6), () => second.Output);
        Assert.Equal("w-next", done.Worker);
        Assert.Equal(2, done.Attempt);
        Assert.Equal(400, done.Frames);
        Assert.Equal(0L, (await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream)).Info.State.Messages);
        Assert.True(second.Terminate(TimeSpan.FromSeconds(30)), second.Output);
    }
}
