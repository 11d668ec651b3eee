using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VisionTracker.Cli.Commands;
using VisionTracker.Detection;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// <c>vtrack live</c> in-process on a real HTTP stream served by a test-owned ffmpeg, with the real Atto detector,
/// zones and an events file: the stream server is killed mid-run and started again on the same port, and the run
/// must ride it out (reconnecting, then connected again) and keep raising events.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class LiveReconnectTests(ITestOutputHelper output)
{
    /// <summary>The whole test's cap; each phase fails on its own, smaller bound with a message naming it.</summary>
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The aisle zone of samples/zones/store-aisle.json, but reporting dwell at the threshold (not on exit) and after
    /// half a second, so that every shopper in the aisle gives an event soon after they appear.
    /// </summary>
    private const string ZonesJson = """
        {
          "description": "store-aisle.json's aisle, dwell reported at a short threshold for a live test",
          "zones": [
            {
              "name": "aisle",
              "kind": "area",
              "polygon": [[0.521, 0.148], [0.698, 0.148], [1.0, 0.852], [1.0, 1.0], [0.604, 1.0]],
              "normalized": true,
              "classes": ["person"],
              "minStableSeconds": 0.2,
              "holdSeconds": 1.0,
              "dwellSeconds": 0.5,
              "dwellReport": "threshold"
            }
          ]
        }
        """;

    [Fact]
    public async Task Live_StreamServerDiesAndComesBack_ReconnectsAndKeepsRaisingEvents()
    {
        Assert.True(FfmpegHttpServer.FindFfmpeg() is not null, "ffmpeg is not installed (the stream server and vtrack's stream reader need it): run `bash scripts/setup.sh`, then rerun the tests.");
        using var dir = TestData.TempDir();
        string zones = dir.File("zones.json");
        await File.WriteAllTextAsync(zones, ZonesJson);
        string eventsFile = dir.File("events.jsonl");

        var clock = Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {what}");
        using var server = new FfmpegHttpServer(TestData.Video("store-aisle.mp4"));
        using var overall = new CancellationTokenSource(Overall);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(overall.Token);
        Task<PipelineStats>? run = null;
        try
        {
            server.Start();
            await WaitListening(server, overall.Token);
            Step($"ffmpeg serving {server.Url}");

            var started = new TaskCompletionSource<MonitorServer>(TaskCreationOptions.RunContinuationsAsynchronously);
            var settings = new LiveSettings(server.Url, Realtime: false, new MonitorOptions { Listen = "127.0.0.1:0" }, zones, eventsFile, "attention", Reid: false, MaxFrames: null);
            var detector = new DetrDetectorOptions { ModelPath = TestData.Atto, ScoreThreshold = TrackDefaults.DetectionScore, IntraOpThreads = 1 };
            run = Task.Run(() => LiveCommand.RunAsync(settings, () => detector, s => started.TrySetResult(s), stop.Token), CancellationToken.None);
            MonitorServer dashboard = await Phase(run, server, started.Task, TimeSpan.FromSeconds(30), "the dashboard to start (vtrack live opening the stream)", overall.Token);
            using HttpClient c = Http.Client(dashboard.Address);
            Step($"dashboard at {dashboard.Address}");

            // 1. Connected, and events arrive in the file and on the dashboard.
            await Until(run, server, async () => (await Status(c)).GetProperty("sourceState").GetString() == "connected", "source state 'connected'", overall.Token);
            await Until(run, server, async () => ReadEvents(eventsFile).Count > 0 && (await Status(c)).GetProperty("events").GetInt64() > 0, "a first dwell event in the JSONL file and /api/status", overall.Token);
            Step($"{ReadEvents(eventsFile).Count} event(s) before the outage");

            // 2. Outage: the stream server dies; the run reports reconnecting and does not exit.
            server.Stop();
            Step("ffmpeg killed");
            await Until(run, server, async () => (await Status(c)).GetProperty("sourceState").GetString() == "reconnecting", "source state 'reconnecting' after the stream server was killed", overall.Token);
            Step("dashboard says reconnecting");

            // Let the pipeline drain what it read before the outage, then take stock of the events so far.
            long framesBefore = (await Status(c)).GetProperty("frames").GetInt64();
            await Until(run, server, async () => { long f = (await Status(c)).GetProperty("frames").GetInt64(); bool idle = f == framesBefore; framesBefore = f; await Task.Delay(300); return idle; }, "the pipeline to finish the frames read before the outage", overall.Token);
            JsonElement during = await Status(c);
            Assert.Equal("reconnecting", during.GetProperty("sourceState").GetString());
            Assert.False(run.IsCompleted, "vtrack live exited during the outage");
            List<JsonElement> eventsBefore = ReadEvents(eventsFile);
            long lastFrameBefore = eventsBefore.Max(e => e.GetProperty("frame").GetInt64());
            long hubEventsBefore = during.GetProperty("events").GetInt64();
            long lastIdBefore = (await Http.GetJson(c, "api/events", overall.Token)).EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).DefaultIfEmpty(0).Max();
            long lastSourceFrameBefore = during.GetProperty("lastFrameIndex").GetInt64();

            // 3. The server comes back on the same port: the run reconnects.
            server.Start();
            await WaitListening(server, overall.Token);
            Step("ffmpeg restarted on the same port");
            await Until(
                run,
                server,
                async () => (await Status(c)) is var s && s.GetProperty("reconnects").GetInt64() >= 1 && s.GetProperty("sourceState").GetString() == "connected",
                "reconnects >= 1 and source state 'connected' after the stream server came back",
                overall.Token);
            Step("dashboard says connected again");

            // 4. New events, raised on frames read after the restart, in the file and on the dashboard.
            await Until(run, server, async () => ReadEvents(eventsFile).Count > eventsBefore.Count && (await Status(c)).GetProperty("events").GetInt64() > hubEventsBefore, "a new event after the restart in the JSONL file and /api/status", overall.Token);
            List<JsonElement> after = ReadEvents(eventsFile)[eventsBefore.Count..];
            Step($"{after.Count} new event(s) after the restart");
            Assert.All(after, e => Assert.True(e.GetProperty("frame").GetInt64() > lastSourceFrameBefore, $"event {e} is not on a frame read after the restart (last frame before: {lastSourceFrameBefore})"));
            Assert.All(after, e => Assert.Equal("dwell", e.GetProperty("event").GetString()));
            Assert.True(after[0].GetProperty("frame").GetInt64() > lastFrameBefore);
            JsonElement recent = await Http.GetJson(c, "api/events?since=" + lastIdBefore.ToString(CultureInfo.InvariantCulture), overall.Token);
            Assert.True(recent.GetArrayLength() > 0, "/api/events shows no event after the restart");
            Assert.All(recent.EnumerateArray(), e => Assert.True(e.GetProperty("frameIndex").GetInt64() > lastSourceFrameBefore));

            JsonElement final = await Status(c);
            Assert.True(final.GetProperty("frames").GetInt64() > 0);
            Assert.True(final.GetProperty("lastFrameIndex").GetInt64() > lastSourceFrameBefore);
            Assert.False(run.IsCompleted, "vtrack live exited although the stream was back");
        }
        finally
        {
            await stop.CancelAsync();
            server.Stop();
            if (run is not null)
            {
                try
                {
                    await run.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                }
                catch (OperationCanceledException)
                {
                    // Stopped by the test, as Ctrl+C stops vtrack live.
                }
            }
        }
    }

    private static async Task<JsonElement> Status(HttpClient c) => await Http.GetJson(c, "api/status");

    /// <summary>The events file's records (the writer flushes per line and shares the file for reading).</summary>
    private static List<JsonElement> ReadEvents(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(fs);
        var records = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line.EndsWith('}'))
            {
                records.Add(JsonDocument.Parse(line).RootElement.Clone());
            }
        }

        return records;
    }

    /// <summary>Waits for <paramref name="task"/>, failing with <paramref name="what"/> after <paramref name="bound"/> or when vtrack live exits first.</summary>
    private static async Task<T> Phase<T>(Task<PipelineStats> run, FfmpegHttpServer server, Task<T> task, TimeSpan bound, string what, CancellationToken overall)
    {
        Task first = await Task.WhenAny(task, run, Task.Delay(bound, overall));
        if (first == task)
        {
            return await task;
        }

        FailIfExited(run, server, what);
        Assert.Fail($"Not reached within {bound.TotalSeconds:0} s: {what}. ffmpeg said:\n{server.RecentLog}");
        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Polls <paramref name="check"/> (bounded by <see cref="Http.Bound"/> and the overall cap); vtrack live exiting fails it at once.</summary>
    private static async Task Until(Task<PipelineStats> run, FfmpegHttpServer server, Func<Task<bool>> check, string what, CancellationToken overall)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(overall);
        bound.CancelAfter(Http.Bound);
        while (true)
        {
            FailIfExited(run, server, what);
            if (await check())
            {
                return;
            }

            if (bound.IsCancellationRequested)
            {
                Assert.Fail($"Not reached within {Http.Bound.TotalSeconds:0} s (or the {Overall.TotalSeconds:0} s cap): {what}. ffmpeg said:\n{server.RecentLog}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    private static void FailIfExited(Task<PipelineStats> run, FfmpegHttpServer server, string what)
    {
        if (run.IsCompleted)
        {
            string why = run.Exception?.GetBaseException().ToString() ?? "it returned";
            Assert.Fail($"vtrack live exited while waiting for {what}: {why}\nffmpeg said:\n{server.RecentLog}");
        }
    }

    /// <summary>
    /// Waits until the server's port is in LISTEN state, read from /proc/net/tcp: connecting to find out would use up
    /// the one client that <c>ffmpeg -listen 1</c> serves.
    /// </summary>
    private static async Task WaitListening(FfmpegHttpServer server, CancellationToken overall)
    {
        string local = "0100007F:" + server.Port.ToString("X4", CultureInfo.InvariantCulture);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(overall);
        bound.CancelAfter(TimeSpan.FromSeconds(15));
        while (!File.ReadLines("/proc/net/tcp").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Any(f => f.Length > 3 && f[1] == local && f[3] == "0A"))
        {
            if (!server.IsRunning)
            {
                Assert.Fail($"The test's ffmpeg stream server exited before listening on {server.Url}:\n{server.RecentLog}");
            }

            if (bound.IsCancellationRequested)
            {
                Assert.Fail($"The test's ffmpeg stream server is not listening on {server.Url} within 15 s:\n{server.RecentLog}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
