using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Spectre.Console;
using VisionTracker.Cli.Rendering;
using VisionTracker.Cluster;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// Scale-out over NATS JetStream: <c>vtrack submit</c>, <c>vtrack worker</c>, <c>vtrack jobs</c>, <c>vtrack results</c>
/// and <c>vtrack cameras add|list|remove</c>. See README "Scaling out" and docs/scale-out.md.
/// </summary>
internal static class ClusterCommands
{
    public static IEnumerable<Command> All()
    {
        yield return Submit();
        yield return Worker();
        yield return Jobs();
        yield return Results();
        yield return Cameras();
    }

    /// <summary>--nats and the credential/TLS options passed through to the NATS client.</summary>
    private sealed class NatsOptions
    {
        public Option<string> Url { get; } = new("--nats") { Description = "NATS server URL (default: $VTRACK_NATS or nats://127.0.0.1:4222, loopback).", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("VTRACK_NATS") ?? ClusterOptions.DefaultUrl };

        public Option<string?> Creds { get; } = new("--creds") { Description = "NATS credentials file (JWT + NKey), passed to the client." };

        public Option<string?> TlsCa { get; } = new("--tls-ca") { Description = "CA bundle (PEM) for a TLS server (tls:// URL)." };

        public Option<string?> TlsCert { get; } = new("--tls-cert") { Description = "Client certificate (PEM) for mutual TLS." };

        public Option<string?> TlsKey { get; } = new("--tls-key") { Description = "Client key (PEM) for mutual TLS." };

        public void AddTo(Command c)
        {
            c.Options.Add(Url);
            c.Options.Add(Creds);
            c.Options.Add(TlsCa);
            c.Options.Add(TlsCert);
            c.Options.Add(TlsKey);
        }

        public ClusterOptions Build(ParseResult p, string name) => new()
        {
            Url = p.GetValue(Url) ?? ClusterOptions.DefaultUrl,
            CredsFile = p.GetValue(Creds),
            TlsCa = p.GetValue(TlsCa),
            TlsCert = p.GetValue(TlsCert),
            TlsKey = p.GetValue(TlsKey),
            Name = name,
        };
    }

    private static Command Submit()
    {
        var sources = new Argument<string[]>("source") { Description = "Video files, http(s) URLs or MOT sequence folders the workers can read (or files to --upload).", Arity = ArgumentArity.OneOrMore };
        var nats = new NatsOptions();
        var zones = new Option<string?>("--zones") { Description = "Zones file (JSON); its content travels with the job." };
        var export = new Option<string>("--export") { Description = "Comma-separated outputs: mot, cvat, coco, events, video.", DefaultValueFactory = _ => "mot,events" };
        var frames = new Option<long?>("--frames") { Description = "Stop each job after this many frames." };
        var tracker = TrackerChoice.CreateOption();
        var upload = new Option<bool>("--upload") { Description = $"Upload each file into the {ClusterNames.SourcesBucket} Object Store (up to {ClusterNames.MaxUploadBytes / 1048576} MiB each) instead of sharing its path." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the jobs, with progress; exit 3 when one failed." };
        var gmc = GmcOption.Create();
        var cmd = new Command("submit", "Put one tracking job per source on the NATS JetStream queue and print the job ids.") { sources, zones, export, frames, tracker, gmc, upload, wait };
        nats.AddTo(cmd);
        cmd.SetHandler(async (p, ct) =>
        {
            string exportList = p.GetValue(export) ?? "mot,events";
            var exports = ExportSinks.Parse(exportList);
            string? zonesJson = null;
            if (p.GetValue(zones) is { } zf)
            {
                if (!File.Exists(zf))
                {
                    throw new VisionTrackerException($"--zones {zf}: file not found.");
                }

                zonesJson = await File.ReadAllTextAsync(zf, ct).ConfigureAwait(false);
            }

            bool doUpload = p.GetValue(upload);
            var specs = new List<(string Source, string? Upload)>();
            foreach (string s in p.GetRequiredValue(sources))
            {
                if (FrameSource.IsStreamUrl(s))
                {
                    if (doUpload)
                    {
                        throw new VisionTrackerException($"{s}: --upload sends files; submit URLs without it.");
                    }

                    specs.Add((s, null));
                }
                else if (File.Exists(s) || Directory.Exists(s))
                {
                    if (doUpload && Directory.Exists(s))
                    {
                        throw new VisionTrackerException($"{s}: --upload sends files, not folders; put the sequence on a shared path.");
                    }

                    specs.Add((Path.GetFullPath(s), doUpload ? Path.GetFullPath(s) : null));
                }
                else
                {
                    throw new VisionTrackerException($"{s}: not found (give a file, a MOT sequence folder or an http(s)/rtsp URL).");
                }
            }

            await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-submit"), ct).ConfigureAwait(false);
            var client = new ClusterClient(cluster);
            var ids = new List<string>();
            foreach (var (src, up) in specs)
            {
                var job = new JobMessage
                {
                    Id = ClusterClient.NewJobId(),
                    Source = src,
                    Zones = zonesJson,
                    Exports = [.. exports.Order(StringComparer.Ordinal)],
                    MaxFrames = p.GetValue(frames),
                    Tracker = p.GetValue(tracker) ?? "attention",
                    Gmc = p.GetValue(gmc),
                    Submitted = DateTimeOffset.UtcNow,
                };
                job = await client.SubmitAsync(job, up, ct).ConfigureAwait(false);
                ids.Add(job.Id);
                Console.WriteLine($"{job.Id}  {job.Source}");
            }

            return p.GetValue(wait) ? await WaitAsync(client, ids, ct).ConfigureAwait(false) : ExitCodes.Ok;
        });
        return cmd;
    }

    private static async Task<int> WaitAsync(ClusterClient client, List<string> ids, CancellationToken ct)
    {
        var last = new Dictionary<string, JobState>();
        async Task<bool> PollAsync()
        {
            foreach (string id in ids)
            {
                if (await client.GetJobAsync(id, ct).ConfigureAwait(false) is { } s)
                {
                    last[id] = s;
                }
            }

            return ids.All(id => last.TryGetValue(id, out var s) && s.State is JobState.Done or JobState.Failed);
        }

        if (PipelineProgress.Interactive)
        {
            await Terminal.Out.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = ids.ToDictionary(id => id, id => ctx.AddTask(id, maxValue: 1));
                    bool finished = false;
                    while (!finished)
                    {
                        finished = await PollAsync().ConfigureAwait(false);
                        foreach (var (id, t) in tasks)
                        {
                            if (last.TryGetValue(id, out var s))
                            {
                                t.Description = Markup.Escape($"{id} {Describe(s)}");
                                t.MaxValue = Math.Max(1, s.TotalFrames ?? Math.Max(1, s.Frames));
                                t.Value = s.State is JobState.Done or JobState.Failed ? t.MaxValue : s.Frames;
                            }
                        }

                        if (!finished)
                        {
                            await Task.Delay(1000, ct).ConfigureAwait(false);
                        }
                    }
                }).ConfigureAwait(false);
        }
        else
        {
            var printed = new Dictionary<string, string>();
            while (true)
            {
                bool finished = await PollAsync().ConfigureAwait(false);
                foreach (var (id, s) in last)
                {
                    string line = $"{id} {s.State}{(s.Worker is null ? string.Empty : " on " + s.Worker)}{(s.Error is null || s.State != JobState.Failed ? string.Empty : ": " + s.Error)}";
                    if (!printed.TryGetValue(id, out string? prev) || prev != line)
                    {
                        Console.WriteLine(line);
                        printed[id] = line;
                    }
                }

                if (finished)
                {
                    break;
                }

                await Task.Delay(1000, ct).ConfigureAwait(false);
            }
        }

        int failed = ids.Count(id => last[id].State == JobState.Failed);
        Console.WriteLine($"{ids.Count - failed} done, {failed} failed");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private static string Describe(JobState s)
    {
        string progress = s.TotalFrames is { } t && t > 0 ? string.Create(CultureInfo.InvariantCulture, $"{s.Frames}/{t}") : s.Frames.ToString(CultureInfo.InvariantCulture);
        return s.State switch
        {
            JobState.Running => $"running on {s.Worker} ({progress} frames)",
            JobState.Done => $"done ({s.Frames} frames, {s.Files.Count} files)",
            JobState.Failed => $"failed: {s.Error}",
            _ => s.Error is null ? "queued" : $"queued ({s.Error})",
        };
    }

    private static Command Worker()
    {
        var nats = new NatsOptions();
        var det = new DetectorOptions();
        var streams = new Option<int>("--streams") { Description = "Jobs and cameras run at once, each a stream of the worker's one engine (sharing its detector calls; see --engine).", DefaultValueFactory = _ => 1 };
        var metrics = new Option<string?>("--metrics") { Description = "Serve Prometheus /metrics on HOST:PORT (e.g. 127.0.0.1:9464); off when not given." };
        var mqtt = new Option<string?>("--mqtt") { Description = "Also publish events to MQTT (mqtt://HOST:PORT) on vtrack/events/CAMERA/ZONE at QoS 1." };
        var noCameras = new Option<bool>("--no-cameras") { Description = "Take jobs only, never camera claims." };
        var ackWait = new Option<double?>("--ack-wait") { Description = "Set the jobs consumer's AckWait in seconds (cluster-wide; default 30 when created)." };
        var maxDeliver = new Option<int?>("--max-deliver") { Description = "Set the jobs consumer's MaxDeliver (cluster-wide; default 3 when created)." };
        var cameraAckWait = new Option<double?>("--camera-ack-wait") { Description = "Set the cameras consumer's AckWait in seconds (cluster-wide; default 10): the takeover bound." };
        var id = new Option<string?>("--id") { Description = "Worker id shown in `vtrack jobs` (default HOST-PID)." };
        var engine = EngineOption.Create();
        var cmd = new Command("worker", "Take jobs and cameras from NATS JetStream and run them with the tracking pipeline, until Ctrl+C/SIGTERM.")
        {
            streams, metrics, mqtt, noCameras, ackWait, maxDeliver, cameraAckWait, id, engine,
        };
        nats.AddTo(cmd);
        det.AddTo(cmd, defaultConf: TrackDefaults.DetectionScore);
        cmd.SetHandler(async (p, ct) =>
        {
            int n = p.GetValue(streams);
            if (n < 1)
            {
                throw new VisionTrackerException($"--streams {n}: give 1 or more.");
            }

            string shape = p.GetValue(engine) ?? EngineOption.Default;
            if (shape != EngineOption.Default && !EngineDetectors.Shapes.Contains(shape))
            {
                throw new VisionTrackerException($"--engine {shape}: use {string.Join(", ", EngineDetectors.Shapes)} or auto.");
            }

            var workerOptions = new WorkerOptions { Streams = n, Cameras = !p.GetValue(noCameras) };
            if (p.GetValue(id) is { } wid)
            {
                workerOptions = workerOptions with { Id = ClusterNames.Token(wid) };
            }

            // Fail on a bad model before taking any job.
            DetrDetectorOptionsCheck(det, p);
            var clusterOptions = nats.Build(p, $"vtrack-worker-{workerOptions.Id}") with
            {
                JobAckWait = p.GetValue(ackWait) is { } aw ? TimeSpan.FromSeconds(aw) : null,
                JobMaxDeliver = p.GetValue(maxDeliver),
                CameraAckWait = p.GetValue(cameraAckWait) is { } cw ? TimeSpan.FromSeconds(cw) : null,
            };

            // Ctrl+C and SIGTERM: stop taking work, hand the current job back (Nak), exit 0.
            using var stop = new CancellationTokenSource();
            void OnSignal(PosixSignalContext c)
            {
                c.Cancel = true;
                if (!stop.IsCancellationRequested)
                {
                    Console.Error.WriteLine($"worker {workerOptions.Id}: stopping (handing back current work)");
                    stop.Cancel();
                }
            }

            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            await using var cluster = await ClusterConnection.ConnectAsync(clusterOptions, ct).ConfigureAwait(false);
            var wm = new WorkerMetrics(workerOptions.Id);
            using IDisposable? server = p.GetValue(metrics) is { } m ? wm.Serve(m) : null;
            await using var events = await EventPublisher.CreateAsync(cluster, p.GetValue(mqtt), $"vtrack-{workerOptions.Id}", w => Console.Error.WriteLine($"warning: {w}"), ct).ConfigureAwait(false);
            using var eventsMetric = new Timer(_ => wm.EventsPublished.IncTo(events.Published), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            using var runner = new ClusterRunner(t => det.Build(p, threads: t), shape, n, w => Console.Error.WriteLine($"warning: {w}"), line => Console.Error.WriteLine($"worker {workerOptions.Id}: {line}"));
            var worker = new ClusterWorker(cluster, runner, workerOptions, wm, events, line => Console.Error.WriteLine(line));
            await worker.RunAsync(stop.Token).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void DetrDetectorOptionsCheck(DetectorOptions det, ParseResult p)
    {
        var o = det.Build(p);
        if (!File.Exists(o.ModelPath))
        {
            throw new VisionTrackerException($"Model {o.ModelPath} not found.");
        }
    }

    private static Command Jobs()
    {
        var nats = new NatsOptions();
        var cmd = new Command("jobs", "List the cluster's jobs: state, worker, progress and the one-line error of failed ones.");
        nats.AddTo(cmd);
        cmd.SetHandler(async (p, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-jobs"), ct).ConfigureAwait(false);
            var list = await new ClusterClient(cluster).ListJobsAsync(ct).ConfigureAwait(false);
            if (list.Count == 0)
            {
                Console.WriteLine("no jobs");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("job", "state", "worker", "frames", "attempt", "source", "error");
            foreach (JobState s in list)
            {
                string frames = s.TotalFrames is { } t ? $"{s.Frames}/{t}" : s.Frames.ToString(CultureInfo.InvariantCulture);
                table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.State), Markup.Escape(s.Worker ?? "-"), frames, s.Attempt.ToString(CultureInfo.InvariantCulture), Markup.Escape(s.Source), Markup.Escape(s.Error ?? string.Empty));
            }

            Terminal.Out.Write(table);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Results()
    {
        var job = new Argument<string>("job") { Description = "Job id (from submit or jobs)." };
        var output = new Option<string>("--out") { Description = "Folder to write the job's files into.", Required = true };
        var nats = new NatsOptions();
        var cmd = new Command("results", "Fetch a finished job's result files from the Object Store.") { job, output };
        nats.AddTo(cmd);
        cmd.SetHandler(async (p, ct) =>
        {
            await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-results"), ct).ConfigureAwait(false);
            var files = await new ClusterClient(cluster).FetchResultsAsync(p.GetRequiredValue(job), p.GetRequiredValue(output), ct).ConfigureAwait(false);
            foreach (string f in files)
            {
                Console.WriteLine(f);
            }

            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Cameras()
    {
        var cmd = new Command("cameras", "Put live cameras on the cluster: each is held by exactly one worker, and taken over when it dies.");
        {
            var name = new Argument<string>("name") { Description = "Camera name (letters, digits, '-', '_'): the CAMERA in vtrack.events.CAMERA.ZONE." };
            var url = new Argument<string>("url") { Description = "Stream URL (rtsp://, http(s)://) the workers can reach." };
            var zones = new Option<string?>("--zones") { Description = "Zones file (JSON); its content is stored with the camera." };
            var tracker = TrackerChoice.CreateOption();
            var gmc = GmcOption.Create();
            var nats = new NatsOptions();
            var add = new Command("add", "Add a camera.") { name, url, zones, tracker, gmc };
            nats.AddTo(add);
            add.SetHandler(async (p, ct) =>
            {
                string? zonesJson = p.GetValue(zones) is { } zf
                    ? File.Exists(zf) ? await File.ReadAllTextAsync(zf, ct).ConfigureAwait(false) : throw new VisionTrackerException($"--zones {zf}: file not found.")
                    : null;
                await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-cameras"), ct).ConfigureAwait(false);
                var cam = new CameraConfig { Name = p.GetRequiredValue(name), Url = p.GetRequiredValue(url), Zones = zonesJson, Tracker = p.GetValue(tracker) ?? "attention", Gmc = p.GetValue(gmc) };
                await new ClusterClient(cluster).AddCameraAsync(cam, ct).ConfigureAwait(false);
                Console.WriteLine($"camera {cam.Name} added; events on {ClusterNames.EventsPrefix}.{cam.Name}.>");
                return ExitCodes.Ok;
            });
            cmd.Subcommands.Add(add);
        }

        {
            var nats = new NatsOptions();
            var list = new Command("list", "List cameras and the worker holding each.");
            nats.AddTo(list);
            list.SetHandler(async (p, ct) =>
            {
                await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-cameras"), ct).ConfigureAwait(false);
                var cams = await new ClusterClient(cluster).ListCamerasAsync(ct).ConfigureAwait(false);
                if (cams.Count == 0)
                {
                    Console.WriteLine("no cameras");
                    return ExitCodes.Ok;
                }

                var table = new Table().AddColumns("camera", "url", "held by", "since", "frames", "counts");
                foreach (var (c, h) in cams.OrderBy(c => c.Camera.Name, StringComparer.Ordinal))
                {
                    table.AddRow(
                        Markup.Escape(c.Name),
                        Markup.Escape(c.Url),
                        Markup.Escape(h?.Worker ?? "(waiting for a worker)"),
                        h is null ? "-" : h.Since.ToString("u", CultureInfo.InvariantCulture),
                        (h?.Frames ?? 0).ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(h is null ? string.Empty : string.Join(", ", h.ZoneCounts.Select(kv => $"{kv.Key}={kv.Value}"))));
                }

                Terminal.Out.Write(table);
                return ExitCodes.Ok;
            });
            cmd.Subcommands.Add(list);
        }

        {
            var name = new Argument<string>("name") { Description = "Camera name." };
            var nats = new NatsOptions();
            var remove = new Command("remove", "Remove a camera; its worker stops serving it.") { name };
            nats.AddTo(remove);
            remove.SetHandler(async (p, ct) =>
            {
                await using var cluster = await ClusterConnection.ConnectAsync(nats.Build(p, "vtrack-cameras"), ct).ConfigureAwait(false);
                string n = p.GetRequiredValue(name);
                if (!await new ClusterClient(cluster).RemoveCameraAsync(n, ct).ConfigureAwait(false))
                {
                    throw new VisionTrackerException($"No camera '{n}': `vtrack cameras list` lists them.");
                }

                Console.WriteLine($"camera {n} removed");
                return ExitCodes.Ok;
            });
            cmd.Subcommands.Add(remove);
        }

        return cmd;
    }
}
