using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace VisionTracker.Cluster;

/// <summary>The user-side operations: submit jobs, list them, fetch results, manage cameras.</summary>
public sealed class ClusterClient(ClusterConnection cluster)
{
    /// <summary>Puts one job on the queue: its KV state first (queued), then the work-queue message (Nats-Msg-Id = job id).</summary>
    public async Task<JobMessage> SubmitAsync(JobMessage job, string? uploadFile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (uploadFile is not null)
        {
            var info = new FileInfo(uploadFile);
            if (!info.Exists)
            {
                throw new VisionTrackerException($"{uploadFile}: file not found (--upload sends files, not folders or URLs).");
            }

            if (info.Length > ClusterNames.MaxUploadBytes)
            {
                throw new VisionTrackerException($"{uploadFile}: {info.Length / 1048576.0:0} MiB is over the {ClusterNames.MaxUploadBytes / 1048576} MiB upload limit: put it on a path or URL the workers can read and submit that.");
            }

            string name = $"{job.Id}/{info.Name}";
            await using (FileStream fs = info.OpenRead())
            {
                await cluster.Sources.PutAsync(name, fs, leaveOpen: false, ct).ConfigureAwait(false);
            }

            job = job with { Upload = name, Source = info.Name };
        }

        var state = new JobState { Id = job.Id, Source = job.Source, State = JobState.Queued, Updated = DateTimeOffset.UtcNow };
        await cluster.Jobs.PutAsync(job.Id, ClusterJson.Bytes(state), cancellationToken: ct).ConfigureAwait(false);
        var headers = new NatsHeaders { ["Nats-Msg-Id"] = job.Id };
        PubAckResponse ack = await cluster.JetStream.PublishAsync(ClusterNames.JobsSubject, ClusterJson.Bytes(job), headers: headers, cancellationToken: ct).ConfigureAwait(false);
        ack.EnsureSuccess();
        return job;
    }

    /// <summary>Every job's state, oldest update first.</summary>
    public async Task<List<JobState>> ListJobsAsync(CancellationToken ct)
    {
        var list = new List<JobState>();
        try
        {
            await foreach (string key in cluster.Jobs.GetKeysAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                if (await GetJobAsync(key, ct).ConfigureAwait(false) is { } s)
                {
                    list.Add(s);
                }
            }
        }
        catch (NatsKVException)
        {
            // An empty bucket: no keys.
        }

        return [.. list.OrderBy(s => s.Updated)];
    }

    /// <summary>One job's state, or null when there is no such job.</summary>
    public async Task<JobState?> GetJobAsync(string id, CancellationToken ct)
    {
        NatsResult<NatsKVEntry<byte[]>> r = await cluster.Jobs.TryGetEntryAsync<byte[]>(id, cancellationToken: ct).ConfigureAwait(false);
        return r.Success && r.Value.Value is { } v ? ClusterJson.Parse<JobState>(v, out _) : null;
    }

    /// <summary>Writes a finished job's files into <paramref name="outDir"/>; returns their paths.</summary>
    public async Task<List<string>> FetchResultsAsync(string id, string outDir, CancellationToken ct)
    {
        JobState state = await GetJobAsync(id, ct).ConfigureAwait(false) ?? throw new VisionTrackerException($"No job '{id}': `vtrack jobs` lists the jobs.");
        if (state.State != JobState.Done)
        {
            string why = state.State == JobState.Failed ? $"it failed: {state.Error}" : $"it is {state.State}";
            throw new VisionTrackerException($"Job {id} has no results: {why}.");
        }

        Directory.CreateDirectory(outDir);
        var paths = new List<string>();
        foreach (string file in state.Files)
        {
            string path = Path.Combine(outDir, Path.GetFileName(file));
            string tmp = path + ".part";
            await using (var fs = File.Create(tmp))
            {
                await cluster.Results.GetAsync($"{id}/{file}", fs, leaveOpen: false, ct).ConfigureAwait(false);
            }

            File.Move(tmp, path, overwrite: true);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>Adds a camera: its definition in KV (create-only, so a name is taken once) and its claim message.</summary>
    public async Task AddCameraAsync(CameraConfig camera, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(camera);
        if (ClusterNames.Token(camera.Name) != camera.Name)
        {
            throw new VisionTrackerException($"Camera name '{camera.Name}': use letters, digits, '-' and '_' only (it is a subject token).");
        }

        NatsResult<ulong> created = await cluster.Cameras.TryCreateAsync(camera.Name, ClusterJson.Bytes(camera), cancellationToken: ct).ConfigureAwait(false);
        if (!created.Success)
        {
            throw new VisionTrackerException($"Camera '{camera.Name}' already exists: `vtrack cameras remove {camera.Name}` first.");
        }

        // One claim message per camera; the msg id makes a retried add within the duplicate window a no-op.
        var headers = new NatsHeaders { ["Nats-Msg-Id"] = $"camera-{camera.Name}-{created.Value}" };
        PubAckResponse ack = await cluster.JetStream.PublishAsync($"{ClusterNames.CameraClaimPrefix}.{camera.Name}", ClusterJson.Bytes(camera), headers: headers, cancellationToken: ct).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    /// <summary>Removes a camera: its definition (the holder sees it gone and stops) and its claim message.</summary>
    public async Task<bool> RemoveCameraAsync(string name, CancellationToken ct)
    {
        NatsResult<NatsKVEntry<byte[]>> r = await cluster.Cameras.TryGetEntryAsync<byte[]>(name, cancellationToken: ct).ConfigureAwait(false);
        if (!r.Success)
        {
            return false;
        }

        await cluster.Cameras.DeleteAsync(name, cancellationToken: ct).ConfigureAwait(false);
        await cluster.JetStream.PurgeStreamAsync(ClusterNames.CamerasStream, new StreamPurgeRequest { Filter = $"{ClusterNames.CameraClaimPrefix}.{name}" }, ct).ConfigureAwait(false);
        await cluster.CameraState.TryDeleteAsync(name, cancellationToken: ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>Every camera with its holder (null when none holds it yet).</summary>
    public async Task<List<(CameraConfig Camera, CameraHolder? Holder)>> ListCamerasAsync(CancellationToken ct)
    {
        var list = new List<(CameraConfig, CameraHolder?)>();
        try
        {
            await foreach (string key in cluster.Cameras.GetKeysAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                NatsResult<NatsKVEntry<byte[]>> c = await cluster.Cameras.TryGetEntryAsync<byte[]>(key, cancellationToken: ct).ConfigureAwait(false);
                if (!c.Success || c.Value.Value is not { } cv || ClusterJson.Parse<CameraConfig>(cv, out _) is not { } cam)
                {
                    continue;
                }

                list.Add((cam, await GetHolderAsync(key, ct).ConfigureAwait(false)));
            }
        }
        catch (NatsKVException)
        {
            // An empty bucket.
        }

        return list;
    }

    /// <summary>The camera's holder and last state, or null.</summary>
    public async Task<CameraHolder?> GetHolderAsync(string name, CancellationToken ct)
    {
        NatsResult<NatsKVEntry<byte[]>> h = await cluster.CameraState.TryGetEntryAsync<byte[]>(name, cancellationToken: ct).ConfigureAwait(false);
        return h.Success && h.Value.Value is { } hv ? ClusterJson.Parse<CameraHolder>(hv, out _) : null;
    }

    /// <summary>A new job id: 12 hex digits.</summary>
    public static string NewJobId() => Guid.NewGuid().ToString("N")[..12];
}
