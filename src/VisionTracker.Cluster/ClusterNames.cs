namespace VisionTracker.Cluster;

/// <summary>
/// The JetStream streams, consumers, buckets and subjects the cluster uses. Every process (submit, worker, jobs,
/// cameras) creates what is missing with the same configuration, so there is no setup step. See docs/scale-out.md.
/// </summary>
public static class ClusterNames
{
    /// <summary>Work-queue stream of video jobs (one message per job, removed when a worker acks it).</summary>
    public const string JobsStream = "VTRACK_JOBS";

    /// <summary>Subject a job is published on.</summary>
    public const string JobsSubject = "vtrack.jobs";

    /// <summary>The one durable pull consumer every worker shares (explicit acks, MaxDeliver, AckWait).</summary>
    public const string JobsConsumer = "vtrack-workers";

    /// <summary>Dead-letter stream: failed jobs, malformed messages, and JetStream's max-deliveries advisories.</summary>
    public const string DeadStream = "VTRACK_DEAD";

    /// <summary>Subject prefix of dead letters written by workers (<c>vtrack.dead.jobs</c>).</summary>
    public const string DeadJobsSubject = "vtrack.dead.jobs";

    /// <summary>The advisory JetStream itself publishes when a job message reached MaxDeliver (a worker crashed on it each time).</summary>
    public const string MaxDeliveriesAdvisory = "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + JobsStream + "." + JobsConsumer;

    /// <summary>
    /// Durable consumer on <see cref="DeadStream"/> over <see cref="MaxDeliveriesAdvisory"/>: workers take each advisory
    /// (a job whose worker died on every delivery) and mark that job failed.
    /// </summary>
    public const string MaxDeliveriesConsumer = "vtrack-max-deliveries";

    /// <summary>Work-queue stream of camera claims: one message per camera, held (never acked) by the worker serving it.</summary>
    public const string CamerasStream = "VTRACK_CAMERAS";

    /// <summary>Subject prefix of camera claims (<c>vtrack.cameras.claim.NAME</c>).</summary>
    public const string CameraClaimPrefix = "vtrack.cameras.claim";

    /// <summary>The durable pull consumer workers take camera claims from.</summary>
    public const string CamerasConsumer = "vtrack-camera-holders";

    /// <summary>Stream that keeps published events for replay.</summary>
    public const string EventsStream = "VTRACK_EVENTS";

    /// <summary>Subject prefix of events (<c>vtrack.events.CAMERA.ZONE</c>).</summary>
    public const string EventsPrefix = "vtrack.events";

    /// <summary>KV bucket of job states (key: job id).</summary>
    public const string JobsBucket = "vtrack-jobs";

    /// <summary>KV bucket of camera definitions (key: camera name).</summary>
    public const string CamerasBucket = "vtrack-cameras";

    /// <summary>KV bucket of camera holders and their last published state (key: camera name).</summary>
    public const string CameraStateBucket = "vtrack-camera-state";

    /// <summary>Object Store bucket of result files (object name: JOB/FILE).</summary>
    public const string ResultsBucket = "vtrack-results";

    /// <summary>Object Store bucket of sources uploaded by <c>vtrack submit --upload</c> (object name: JOB/FILE).</summary>
    public const string SourcesBucket = "vtrack-sources";

    /// <summary>Largest file <c>vtrack submit --upload</c> puts into the Object Store (bigger files must be on a shared path or URL).</summary>
    public const long MaxUploadBytes = 256L * 1024 * 1024;

    /// <summary>
    /// Turns a camera, zone or job name into one subject token: letters, digits, '-' and '_' are kept, anything else
    /// ('.', '*', '>', spaces) becomes '_'. An empty name becomes <c>_</c>.
    /// </summary>
    public static string Token(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "_";
        }

        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        return new string(chars);
    }

    /// <summary>The subject of an event from <paramref name="camera"/> in <paramref name="zone"/> (null zone: <c>_</c>).</summary>
    public static string EventSubject(string camera, string? zone) => $"{EventsPrefix}.{Token(camera)}.{Token(zone)}";

    /// <summary>The MQTT topic of the same event: <c>vtrack/events/CAMERA/ZONE</c>.</summary>
    public static string EventTopic(string camera, string? zone) => $"vtrack/events/{Token(camera)}/{Token(zone)}";
}
