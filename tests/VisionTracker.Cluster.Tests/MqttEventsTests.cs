using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http;
using System.Text;
using MQTTnet;
using MQTTnet.Packets;
using MQTTnet.Protocol;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.Core;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>
/// Events of a real job (store-aisle with its zones) reach JetStream (stream VTRACK_EVENTS) and a real mosquitto as
/// the events JSONL lines byte for byte, with stable ids; a republished id is dropped by JetStream; /metrics counts it.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class MqttEventsTests
{
    [Fact]
    public async Task Job_events_reach_jetstream_and_mosquitto_as_the_jsonl_lines_with_stable_ids()
    {
        using var nats = new NatsServer();
        using var mosquitto = new MosquittoServer();
        using var tmp = TestData.TempDir();

        var received = new ConcurrentQueue<(string Topic, string Json, string? Id, MqttQualityOfServiceLevel Qos)>();
        using var sub = new MqttClientFactory().CreateMqttClient();
        sub.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            string? id = m.UserProperties?.FirstOrDefault(p => p.Name == "id")?.ReadValueAsString();
            received.Enqueue((m.Topic, Encoding.UTF8.GetString(m.Payload), id, m.QualityOfServiceLevel));
            return Task.CompletedTask;
        };
        await sub.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mosquitto.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
        await sub.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("vtrack/events/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());

        int metricsPort = Loopback.FreePort();
        using var worker = Vtrack.Start("worker", "--nats", nats.Url, "--mqtt", mosquitto.Url, "--metrics", $"127.0.0.1:{metricsPort}", "--no-cameras", "--id", "w-mqtt", "--model", "atto", "--threads", "1");
        string zones = Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json");
        using (var submit = Vtrack.Run(TimeSpan.FromMinutes(6), "submit", TestData.Video("store-aisle.mp4"), "--zones", zones, "--export", "events", "--wait", "--nats", nats.Url))
        {
            Assert.True(submit.ExitCode == 0, submit.Output + "\n--- worker\n" + worker.Output);
            Assert.Contains("1 done, 0 failed", submit.StdOut);
        }

        await using var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = nats.Url });
        var client = new ClusterClient(cluster);
        JobState job = Assert.Single(await client.ListJobsAsync(default));
        string file = Assert.Single(await client.FetchResultsAsync(job.Id, Path.Combine(tmp.Path, "r"), default));
        string[] lines = await File.ReadAllLinesAsync(file);
        Assert.NotEmpty(lines);
        string[] ids = [.. Enumerable.Range(1, lines.Length).Select(i => $"{job.Id}:{i}")];

        // MQTT: same lines, in order, topic vtrack/events/job-ID/ZONE, QoS 1, user property id.
        await Eventually.WaitAsync(async () => { await Task.Yield(); return received.Count >= lines.Length ? "all" : null; }, TimeSpan.FromSeconds(60), () => worker.Output);
        var got = received.ToArray();
        Assert.Equal(lines, got.Select(g => g.Json));
        Assert.Equal(ids, got.Select(g => g.Id));
        Assert.All(got, g => Assert.Equal($"vtrack/events/job-{job.Id}/aisle", g.Topic));
        Assert.All(got, g => Assert.Equal(MqttQualityOfServiceLevel.AtLeastOnce, g.Qos));

        // JetStream: the same lines kept for replay, Nats-Msg-Id = event id.
        var replay = await cluster.JetStream.CreateOrderedConsumerAsync(ClusterNames.EventsStream, new NatsJSOrderedConsumerOpts { FilterSubjects = [$"vtrack.events.job-{job.Id}.>"] });
        var kept = new List<(string Json, string Id)>();
        await foreach (var m in replay.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = lines.Length + 5, Expires = TimeSpan.FromSeconds(3) }))
        {
            kept.Add((Encoding.UTF8.GetString(m.Data ?? []), m.Headers?["Nats-Msg-Id"].ToString() ?? string.Empty));
        }

        Assert.Equal(lines, kept.Select(k => k.Json));
        Assert.Equal(ids, kept.Select(k => k.Id));

        // A redelivered job republishes the same ids: JetStream drops them (duplicate window).
        long before = (await cluster.JetStream.GetStreamAsync(ClusterNames.EventsStream)).Info.State.Messages;
        var again = await cluster.JetStream.PublishAsync($"vtrack.events.job-{job.Id}.aisle", Encoding.UTF8.GetBytes(lines[0]), headers: new NatsHeaders { ["Nats-Msg-Id"] = ids[0] });
        Assert.True(again.Duplicate);
        Assert.Equal(before, (await cluster.JetStream.GetStreamAsync(ClusterNames.EventsStream)).Info.State.Messages);

        // /metrics on the worker.
        using var http = new HttpClient();
        string metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Contains("vtrack_jobs_done_total{worker=\"w-mqtt\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("vtrack_frames_total{worker=\"w-mqtt\"} 67", metrics, StringComparison.Ordinal);
        Assert.Contains("vtrack_jobs_in_progress{worker=\"w-mqtt\"} 0", metrics, StringComparison.Ordinal);

        Assert.True(worker.Terminate(TimeSpan.FromSeconds(30)), worker.Output);
        Assert.Equal(0, worker.ExitCode);
    }
}
