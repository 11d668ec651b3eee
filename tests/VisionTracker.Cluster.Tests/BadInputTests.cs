using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Net;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>Bad input against real servers: one clear line each, exit 2, and nothing lost from the queue.</summary>
public sealed class BadInputTests
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);

    [Fact]
    public void Unreachable_nats_url_is_one_line_and_exit_2()
    {
        int port = Loopback.FreePort();
        using var v = Vtrack.Run(CommandBound, "jobs", "--nats", $"nats://127.0.0.1:{port}");
        Assert.Equal(2, v.ExitCode);
        string line = Assert.Single(v.StdErr, l => l.Length > 0);
        Assert.StartsWith($"error: Cannot connect to NATS at nats://127.0.0.1:{port}", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_without_jetstream_is_one_line_and_exit_2()
    {
        using var nats = new NatsServer(jetStream: false);
        using var v = Vtrack.Run(CommandBound, "submit", TestData.Video("store-aisle.mp4"), "--nats", nats.Url);
        Assert.Equal(2, v.ExitCode);
        string line = Assert.Single(v.StdErr, l => l.Length > 0);
        Assert.Contains("has no JetStream", line, StringComparison.Ordinal);
        Assert.DoesNotContain(v.StdOut, l => l.Length > 0);
    }

    [Fact]
    public void Not_a_nats_url_is_one_line_and_exit_2()
    {
        using var v = Vtrack.Run(CommandBound, "jobs", "--nats", "http://127.0.0.1:4222");
        Assert.Equal(2, v.ExitCode);
        Assert.Contains("is not a NATS URL", Assert.Single(v.StdErr, l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task Unreadable_source_fails_once_and_malformed_message_is_dead_lettered_not_lost()
    {
        using var nats = new NatsServer();
        using var tmp = TestData.TempDir();

        // A file that is not a video, uploaded by submit into the Object Store; and a garbage message on the queue.
        string bad = Path.Combine(tmp.Path, "broken.mp4");
        await File.WriteAllBytesAsync(bad, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7))]);
        using (var submit = Vtrack.Run(CommandBound, "submit", bad, "--upload", "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output);
        }

        await using var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = nats.Url });
        var client = new ClusterClient(cluster);
        string jobId = Assert.Single(await client.ListJobsAsync(default)).Id;
        (await cluster.JetStream.PublishAsync(ClusterNames.JobsSubject, "{not json"u8.ToArray())).EnsureSuccess();

        using var worker = Vtrack.Start("worker", "--nats", nats.Url, "--model", "atto", "--threads", "1", "--id", "w-bad", "--ack-wait", "5");
        JobState failed = await Eventually.WaitAsync(
            async () => await client.GetJobAsync(jobId, default) is { State: JobState.Failed } s ? s : null,
            TimeSpan.FromMinutes(2),
            () => worker.Output);
        Assert.Equal(1, failed.Attempt);
        Assert.NotNull(failed.Error);
        Assert.DoesNotContain('\n', failed.Error);
        Assert.Contains("broken.mp4", failed.Error, StringComparison.Ordinal);

        // Both messages are in the dead-letter stream, none is left in (or looping through) the work queue.
        var dead = await Eventually.WaitAsync(
            async () => (await cluster.JetStream.GetStreamAsync(ClusterNames.DeadStream)).Info.State.Messages == 2 ? "ok" : null,
            TimeSpan.FromSeconds(60),
            () => worker.Output);
        await Task.Delay(TimeSpan.FromSeconds(7)); // longer than AckWait: a looping job would be delivered again
        Assert.Equal(0L, (await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream)).Info.State.Messages);
        Assert.Equal(2L, (await cluster.JetStream.GetStreamAsync(ClusterNames.DeadStream)).Info.State.Messages);
        Assert.Equal(1, (await client.GetJobAsync(jobId, default))!.Attempt);
        Assert.Single(worker.StdErr, l => l.Contains($"job {jobId}: failed", StringComparison.Ordinal));
        Assert.Single(worker.StdErr, l => l.Contains("malformed job message", StringComparison.Ordinal));

        // The dead letter keeps the original job and the error.
        var consumer = await cluster.JetStream.CreateOrderedConsumerAsync(ClusterNames.DeadStream);
        var letters = new List<(string? Job, string? Error)>();
        await foreach (var m in consumer.FetchAsync<byte[]>(new NATS.Client.JetStream.NatsJSFetchOpts { MaxMsgs = 2, Expires = TimeSpan.FromSeconds(5) }))
        {
            letters.Add((m.Headers?["Vtrack-Job"].ToString(), m.Headers?["Vtrack-Error"].ToString()));
        }

        Assert.Equal(2, letters.Count);
        Assert.Contains(letters, l => l.Job == jobId && l.Error!.Contains("broken.mp4", StringComparison.Ordinal));
        Assert.Contains(letters, l => string.IsNullOrEmpty(l.Job) && l.Error!.StartsWith("malformed job message", StringComparison.Ordinal));

        // results of a failed job: one line, exit 2.
        using (var results = Vtrack.Run(CommandBound, "results", jobId, "--out", Path.Combine(tmp.Path, "r"), "--nats", nats.Url))
        {
            Assert.Equal(2, results.ExitCode);
            Assert.Contains("failed", Assert.Single(results.StdErr, l => l.Length > 0), StringComparison.Ordinal);
        }

        Assert.True(worker.Terminate(TimeSpan.FromSeconds(30)), worker.Output);
        Assert.Equal(0, worker.ExitCode);
    }
}
