using NATS.Client.JetStream;
using NATS.Client.ObjectStore;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>
/// The kill test: 6 real jobs (5 clips and TUD-Campus, one uploaded into the Object Store) on 3 vtrack worker
/// processes; one worker is killed with SIGKILL while it runs a job. JetStream redelivers that job after AckWait to
/// another worker; every job ends done exactly once, and each MOT file equals `vtrack track` of the same source.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class KillTests
{
    private const string Frames = "40";
    private static readonly string[] Detector = ["--model", "atto", "--threads", "1"];

    [Fact]
    public async Task Kill9_of_a_worker_mid_job_redelivers_it_and_every_job_is_done_once_equal_to_vtrack_track()
    {
        using var nats = new NatsServer();
        using var tmp = TestData.TempDir();
        string[] shared =
        [
            TestData.Video("checkout-conveyor.mp4"),
            TestData.Video("bottle-detection.mp4"),
            TestData.Video("car-detection.mp4"),
            TestData.Video("one-by-one-person-detection.mp4"),
            TestData.Dataset("TUD-Campus"),
        ];
        string uploaded = TestData.Video("store-aisle.mp4");
        var bound = TimeSpan.FromMinutes(2);
        using (var s1 = Vtrack.Run(bound, ["submit", .. shared, "--frames", Frames, "--export", "mot", "--nats", nats.Url]))
        using (var s2 = Vtrack.Run(bound, "submit", uploaded, "--upload", "--frames", Frames, "--export", "mot", "--nats", nats.Url))
        {
            Assert.True(s1.ExitCode == 0, s1.Output);
            Assert.True(s2.ExitCode == 0, s2.Output);
        }

        await using var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = nats.Url });
        var client = new ClusterClient(cluster);
        var jobs = await client.ListJobsAsync(default);
        Assert.Equal(6, jobs.Count);

        var workers = new Dictionary<string, Vtrack>();
        try
        {
            // w1 runs two jobs at once on its one detector (the model is loaded once per worker process).
            foreach (string id in new[] { "w1", "w2", "w3" })
            {
                workers[id] = Vtrack.Start(["worker", "--nats", nats.Url, "--id", id, "--ack-wait", "6", "--no-cameras", "--streams", id == "w1" ? "2" : "1", .. Detector]);
            }

            string Logs() => string.Join("\n", workers.Select(w => $"--- {w.Key}\n{w.Value.Output}"));

            // Kill -9 the worker of the first job seen mid-run.
            JobState victim = await Eventually.WaitAsync(
                async () => (await client.ListJobsAsync(default)).FirstOrDefault(s => s.State == JobState.Running && s.Frames >= 2 && s.Worker is not null),
                TimeSpan.FromMinutes(5),
                Logs);
            workers[victim.Worker!].KillHard();

            var done = await Eventually.WaitAsync(
                async () =>
                {
                    var all = await client.ListJobsAsync(default);
                    return all.Count == 6 && all.All(s => s.State is JobState.Done or JobState.Failed) ? all : null;
                },
                TimeSpan.FromMinutes(10),
                Logs);
            Assert.All(done, s => Assert.True(s.State == JobState.Done, $"{s.Id} {s.Source}: {s.State} {s.Error}"));

            // The killed job was delivered again and finished by another worker.
            JobState redone = done.Single(s => s.Id == victim.Id);
            Assert.True(redone.Attempt >= 2, $"job {redone.Id} finished on attempt {redone.Attempt}");
            Assert.NotEqual(victim.Worker, redone.Worker);
            var others = workers.Where(w => w.Key != victim.Worker).SelectMany(w => w.Value.StdErr).ToList();
            Assert.Contains(others, l => l.Contains($"job {victim.Id}: running", StringComparison.Ordinal) && l.Contains("attempt 2", StringComparison.Ordinal));

            // The queue is empty (every job acked) and the results bucket has exactly one MOT file per job.
            Assert.Equal(0L, (await cluster.JetStream.GetStreamAsync(ClusterNames.JobsStream)).Info.State.Messages);
            var objects = new List<string>();
            await foreach (var o in cluster.Results.ListAsync())
            {
                objects.Add(o.Name);
            }

            var expected = done.Select(s => $"{s.Id}/{Path.GetFileName(s.Files.Single())}").Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, objects.Order(StringComparer.Ordinal).ToList());

            // Each job's MOT file equals a single-process `vtrack track` of the same source and options.
            int nonEmpty = 0;
            foreach (JobState s in done)
            {
                string source = s.Source == Path.GetFileName(uploaded) ? uploaded : s.Source;
                string refDir = Path.Combine(tmp.Path, "ref-" + s.Id);
                using (var track = Vtrack.Run(TimeSpan.FromMinutes(3), ["track", source, "--frames", Frames, "--export", "mot", "--out", refDir, .. Detector]))
                {
                    Assert.True(track.ExitCode == 0, track.Output);
                }

                string refFile = Assert.Single(Directory.GetFiles(refDir, "*.mot.txt"));
                var got = await client.FetchResultsAsync(s.Id, Path.Combine(tmp.Path, "got-" + s.Id), default);
                string gotFile = Assert.Single(got);
                Assert.Equal(Path.GetFileName(refFile), Path.GetFileName(gotFile));
                byte[] want = await File.ReadAllBytesAsync(refFile);
                nonEmpty += want.Length > 0 ? 1 : 0;
                byte[] have = await File.ReadAllBytesAsync(gotFile);
                Assert.True(want.SequenceEqual(have), $"job {s.Id} ({s.Source}): MOT file differs from vtrack track");
            }

            // Two clips open on empty scenes (no confident Atto boxes in their first 40 frames); four have tracks.
            Assert.True(nonEmpty >= 4, $"only {nonEmpty} of 6 MOT files have tracks");

            // Each worker loaded the model at most once, however many jobs it ran.
            foreach (var (id, w) in workers)
            {
                int jobsRun = w.StdErr.Count(l => l.Contains(": running ", StringComparison.Ordinal));
                int loads = w.StdErr.Count(l => l.Contains("model loaded", StringComparison.Ordinal));
                Assert.True(loads <= 1 && (jobsRun == 0 || loads == 1), $"{id}: {jobsRun} job(s), {loads} model load(s)\n{w.Output}");
            }

            Assert.Contains(workers.Values, w => w.StdErr.Count(l => l.Contains(": running ", StringComparison.Ordinal)) >= 2);

            // The surviving workers stop cleanly on SIGTERM.
            foreach (var (id, w) in workers.Where(w => w.Key != victim.Worker))
            {
                Assert.True(w.Terminate(TimeSpan.FromSeconds(30)), $"{id} did not stop:\n{w.Output}");
                Assert.True(w.ExitCode == 0, $"{id} exit {w.ExitCode}:\n{w.Output}");
            }
        }
        finally
        {
            foreach (var w in workers.Values)
            {
                w.Dispose();
            }
        }
    }
}
