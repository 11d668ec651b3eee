using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using VisionTracker.Annotations;
using VisionTracker.Monitor;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;

namespace VisionTracker.Fuzz;

/// <summary>
/// One fuzz target per reader of outside input. Each takes the fuzzer's bytes as the whole file (or request) and
/// calls the reader as the product does. The rule every target enforces: a reader either returns a result that
/// holds its documented invariants, or throws <see cref="VisionTrackerException"/> (one clear line for the user).
/// Any other exception escapes to SharpFuzz, which reports it to afl-fuzz as a crash.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>Target name to harness. Names are the folders under corpus/.</summary>
    public static IReadOnlyDictionary<string, Action<byte[]>> All { get; } = new Dictionary<string, Action<byte[]>>(StringComparer.Ordinal)
    {
        ["mot"] = Mot,
        ["det"] = Det,
        ["cvat"] = Cvat,
        ["coco"] = Coco,
        ["zones"] = Zones,
        ["seqinfo"] = SeqInfoIni,
        ["http-query"] = HttpQuery,
        ["cameras"] = Cameras,
    };

    private static readonly Lazy<string> Scratch = new(() =>
    {
        // A per-process folder: afl-fuzz may run several instances, and fuzz.sh points TMPDIR at its work folder.
        string dir = Path.Combine(Path.GetTempPath(), FormattableString.Invariant($"vtfuzz-{Environment.ProcessId}"));
        Directory.CreateDirectory(Path.Combine(dir, "seq", "gt"));
        return dir;
    });

    private static readonly Lazy<(LiveHub Hub, byte[] TokenHash)> Http = new(() =>
    {
        var hub = new LiveHub(new MonitorOptions { EventsCapacity = 8 });
        for (int i = 0; i < 12; i++)
        {
            hub.Publish(new { kind = "tick", n = i }, i, i / 25.0);
        }

        return (hub, SHA256.HashData("fuzz-token"u8));
    });

    /// <summary>MOT txt (gt.txt or a tracker's result) as `vtrack eval` and `vtrack convert` read it.</summary>
    private static void Mot(byte[] data)
    {
        string path = Put("mot.txt", data);
        TrackSequence seq = Expect(() => MotChallengeFormat.Read(path));
        if (seq is null)
        {
            return;
        }

        foreach (TrackRecord r in seq.Rows)
        {
            Check(r.Frame >= 1, $"frame {r.Frame} < 1 was accepted");
            Check(double.IsFinite(r.Left) && double.IsFinite(r.Top) && double.IsFinite(r.Width) && double.IsFinite(r.Height), "a non-finite box was accepted");
        }

        _ = seq.Tracks();
        _ = seq.LastFrame;
    }

    /// <summary>det.txt as `vtrack track --detections` reads it (<see cref="DetectionFile"/>).</summary>
    private static void Det(byte[] data)
    {
        string path = Put("det.txt", data);
        DetectionFile det = Expect(() => DetectionFile.Load(path));
        if (det is null)
        {
            return;
        }

        for (long f = 0; f < 4; f++)
        {
            var d = det.For(f);
            Check(d.Boxes.Length == d.Scores.Length && d.Scores.Length == d.ClassIds.Length, "detections of one frame differ in length");
            foreach (float s in d.Scores)
            {
                Check(s is >= 0f and <= 1f, $"score {s} outside [0, 1] after normalisation");
            }
        }
    }

    /// <summary>CVAT for video 1.1 XML.</summary>
    private static void Cvat(byte[] data)
    {
        string path = Put("tracks.xml", data);
        TrackSequence seq = Expect(() => CvatVideoFormat.Read(path));
        if (seq is null)
        {
            return;
        }

        foreach (TrackRecord r in seq.Rows)
        {
            Check(r.Frame >= 1, $"frame {r.Frame} < 1 was accepted");
        }

        _ = seq.Tracks();
    }

    /// <summary>COCO-video (TAO) JSON.</summary>
    private static void Coco(byte[] data)
    {
        string path = Put("tracks.json", data);
        TrackSequence seq = Expect(() => CocoVideoFormat.Read(path));
        if (seq is null)
        {
            return;
        }

        foreach (TrackRecord r in seq.Rows)
        {
            Check(r.Frame >= 1, $"frame {r.Frame} < 1 was accepted");
        }

        _ = seq.Tracks();
    }

    /// <summary>A zones JSON file, for a 640x480 video and for a 1x1 one (normalised coordinates scaled to almost nothing).</summary>
    /// <summary>The cameras file as <c>vtrack track|live --cameras</c> reads it (<see cref="CamerasFile"/>).</summary>
    private static void Cameras(byte[] data)
    {
        string path = Put("cameras.json", data);
        IReadOnlyList<CameraEntry> cameras = Expect(() => CamerasFile.Load(path));
        if (cameras is null)
        {
            return;
        }

        Check(cameras.Count > 0, "an empty camera list was accepted");
        Check(cameras.Select(c => c.Name).Distinct(StringComparer.Ordinal).Count() == cameras.Count, "two cameras share a name");
        foreach (CameraEntry c in cameras)
        {
            Check(!string.IsNullOrWhiteSpace(c.Name) && !string.IsNullOrWhiteSpace(c.Source), "a camera without a name or source was accepted");
        }
    }

    private static void Zones(byte[] data)
    {
        string path = Put("zones.json", data);
        foreach (var (w, h) in new[] { (640, 480), (1, 1) })
        {
            IReadOnlyList<Zone> zones = Expect(() => ZoneFile.Load(path, w, h));
            if (zones is null)
            {
                continue;
            }

            Check(zones.Count > 0, "an empty zone list was accepted");
            foreach (Zone z in zones)
            {
                Check(z.Polygon.Vertices.Count >= 3 && !z.Polygon.IsDegenerate, $"zone '{z.Name}' has a degenerate polygon");
                _ = new ZoneMonitor([z]);
            }
        }
    }

    /// <summary>seqinfo.ini, read on its own and as the metadata of a gt.txt beside it.</summary>
    private static void SeqInfoIni(byte[] data)
    {
        string ini = Put(Path.Combine("seq", "seqinfo.ini"), data);
        string gt = Path.Combine(Scratch.Value, "seq", "gt", "gt.txt");
        if (!File.Exists(gt))
        {
            File.WriteAllText(gt, "1,1,10,20,30,40,1,1,1\n2,1,11,21,30,40,1,1,1\n");
        }

        _ = Expect(() => SeqInfo.Parse(ini));
        _ = Expect(() => MotChallengeFormat.Read(gt));
    }

    /// <summary>
    /// The dashboard's query strings and the headers it reads: the input is QUERY, then optionally a line feed and a
    /// Last-Event-ID value, then a line feed and an Authorization value. Parsed by ASP.NET Core's own query parser,
    /// then handed to the same functions the endpoints call (token check, ?since= / Last-Event-ID, /api/events).
    /// </summary>
    private static void HttpQuery(byte[] data)
    {
        string text = Encoding.UTF8.GetString(data);
        string[] parts = text.Split('\n', 3);
        var ctx = new DefaultHttpContext();
        ctx.Request.Method = "GET";
        ctx.Request.Path = "/api/events";
        ctx.Request.QueryString = new QueryString("?" + parts[0]);
        if (parts.Length > 1)
        {
            ctx.Request.Headers["Last-Event-ID"] = parts[1];
        }

        if (parts.Length > 2)
        {
            ctx.Request.Headers.Authorization = parts[2];
        }

        var (hub, hash) = Http.Value;
        bool authorized = MonitorServer.IsAuthorized(ctx.Request, hash);
        Check(!authorized || text.Contains("fuzz-token", StringComparison.Ordinal), "a request without the token was authorized");
        long since = MonitorEndpoints.SinceId(ctx.Request);
        Check(since >= 0, $"since id {since} < 0");
        var events = hub.RecentEvents(since);
        Check(events.All(e => e.Id > since), "an event at or before the since id was returned");
        _ = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(events, LiveHub.Json);
    }

    private static string Put(string name, byte[] data)
    {
        string path = Path.Combine(Scratch.Value, name);
        File.WriteAllBytes(path, data);
        return path;
    }

    /// <summary>Runs a reader; its clear user error is an accepted outcome (null), anything else escapes.</summary>
    private static T Expect<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (VisionTrackerException ex)
        {
            Check(ex.Message.Length > 0 && !ex.Message.Contains('\n', StringComparison.Ordinal), $"the error message is empty or spans several lines: \"{ex.Message}\"");
            return default!;
        }
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new FuzzInvariantException(what);
        }
    }
}

/// <summary>A reader returned a result that breaks its own contract: reported to the fuzzer as a crash.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
