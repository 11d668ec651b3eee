using System.Text.Json;
using System.Text.Json.Serialization;

namespace VisionTracker.Cluster;

/// <summary>One job on the queue: what to run. Published as JSON on <see cref="ClusterNames.JobsSubject"/>.</summary>
public sealed record JobMessage
{
    /// <summary>Job id (also the message's Nats-Msg-Id, the KV key and the results folder).</summary>
    public required string Id { get; init; }

    /// <summary>The source as the user gave it (a shared path, an http(s) URL, or the uploaded file's name).</summary>
    public required string Source { get; init; }

    /// <summary>Object name in <see cref="ClusterNames.SourcesBucket"/> when <c>submit --upload</c> uploaded the file; null otherwise.</summary>
    public string? Upload { get; init; }

    /// <summary>The zones file's JSON text (carried in the job, so workers need no access to the submitter's files), or null.</summary>
    public string? Zones { get; init; }

    /// <summary>Exports (mot, cvat, coco, events, video).</summary>
    public IReadOnlyList<string> Exports { get; init; } = ["mot", "events"];

    /// <summary>Stop after this many frames, or null for the whole source.</summary>
    public long? MaxFrames { get; init; }

    /// <summary>Tracker name (attention, iou).</summary>
    public string Tracker { get; init; } = "attention";

    /// <summary>Compensate camera motion (<c>vtrack submit --gmc</c>), for a moving camera.</summary>
    public bool Gmc { get; init; }

    /// <summary>When the job was submitted.</summary>
    public DateTimeOffset Submitted { get; init; }
}

/// <summary>A job's state in the <see cref="ClusterNames.JobsBucket"/> KV bucket.</summary>
public sealed record JobState
{
    /// <summary>Queued, waiting for a worker.</summary>
    public const string Queued = "queued";

    /// <summary>A worker is running it.</summary>
    public const string Running = "running";

    /// <summary>Finished; results are in the Object Store.</summary>
    public const string Done = "done";

    /// <summary>Failed for good (dead-lettered); <see cref="Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>Job id.</summary>
    public required string Id { get; init; }

    /// <summary>The source as submitted.</summary>
    public required string Source { get; init; }

    /// <summary>queued, running, done or failed.</summary>
    public required string State { get; init; }

    /// <summary>The worker that runs (or ran) it.</summary>
    public string? Worker { get; init; }

    /// <summary>Frames done so far.</summary>
    public long Frames { get; init; }

    /// <summary>Frames expected (from the source and the frame cap), when known.</summary>
    public long? TotalFrames { get; init; }

    /// <summary>Delivery attempt (JetStream's delivery count) that wrote this state.</summary>
    public long Attempt { get; init; }

    /// <summary>The one-line error of a failed job (or of the last failed attempt of a queued one).</summary>
    public string? Error { get; init; }

    /// <summary>Result file names (objects JOB/NAME in <see cref="ClusterNames.ResultsBucket"/>).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>When this state was written.</summary>
    public DateTimeOffset Updated { get; init; }
}

/// <summary>A camera on the cluster (KV <see cref="ClusterNames.CamerasBucket"/>).</summary>
public sealed record CameraConfig
{
    /// <summary>Camera name (subject token).</summary>
    public required string Name { get; init; }

    /// <summary>Stream URL (rtsp/http) or device.</summary>
    public required string Url { get; init; }

    /// <summary>Zones JSON text, or null.</summary>
    public string? Zones { get; init; }

    /// <summary>Tracker name.</summary>
    public string Tracker { get; init; } = "attention";

    /// <summary>Compensate camera motion (<c>vtrack cameras add --gmc</c>), for a moving camera.</summary>
    public bool Gmc { get; init; }
}

/// <summary>Who holds a camera and its last published state (KV <see cref="ClusterNames.CameraStateBucket"/>).</summary>
public sealed record CameraHolder
{
    /// <summary>Camera name.</summary>
    public required string Name { get; init; }

    /// <summary>Worker holding the camera.</summary>
    public required string Worker { get; init; }

    /// <summary>Delivery count of the claim message: 1 for the first holder, +1 per takeover.</summary>
    public long Epoch { get; init; }

    /// <summary>When this worker took the camera.</summary>
    public DateTimeOffset Since { get; init; }

    /// <summary>When the state was last written.</summary>
    public DateTimeOffset Updated { get; init; }

    /// <summary>Frames processed by this holder.</summary>
    public long Frames { get; init; }

    /// <summary>Events published by this holder.</summary>
    public long Events { get; init; }

    /// <summary>Last zone counts (zone: total), as published.</summary>
    public IReadOnlyDictionary<string, int> ZoneCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Stream sequence of the camera's claim message (a camera removed and added again gets a new one).</summary>
    public ulong ClaimSeq { get; init; }

    /// <summary>The epoch whose snapshot this holder restored its tracks and counts from, or null when it started fresh.</summary>
    public long? RestoredFrom { get; init; }

    /// <summary>The holder's latest tracker and zone state (about once a second of stream time), for the next holder to continue from.</summary>
    public CameraSnapshot? Snapshot { get; init; }
}

/// <summary>What a camera's next holder needs to continue its track ids and zone counts.</summary>
public sealed record CameraSnapshot
{
    /// <summary>Frames the holder had processed when it took the snapshot.</summary>
    public long Frames { get; init; }

    /// <summary>The tracker's state (next id, confirmed and lost tracks), or null when the tracker has none to give.</summary>
    public VisionTracker.Tracking.TrackerSnapshot? Tracker { get; init; }

    /// <summary>The zone monitor's counts and open visits, or null without zones.</summary>
    public VisionTracker.Shelf.ZoneMonitorSnapshot? Zones { get; init; }
}

/// <summary>JSON settings of every cluster message (snake_case, like the events JSONL).</summary>
public static class ClusterJson
{
    /// <summary>The serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serialises to UTF-8 JSON.</summary>
    public static byte[] Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Parses UTF-8 JSON, or returns null with the reason when it is not a valid <typeparamref name="T"/>.</summary>
    public static T? Parse<T>(ReadOnlySpan<byte> json, out string? error)
        where T : class
    {
        try
        {
            error = null;
            T? v = JsonSerializer.Deserialize<T>(json, Options);
            if (v is null)
            {
                error = "empty message";
            }

            return v;
        }
        catch (JsonException ex)
        {
            error = ex.Message.Split('\n')[0];
            return null;
        }
    }
}
