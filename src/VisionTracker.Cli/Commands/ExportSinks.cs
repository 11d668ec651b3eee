using VisionTracker.Annotations;
using VisionTracker.Pipeline;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>Builds the sinks for <c>--export mot,cvat,coco,events,video,detections</c> (shared by track and bench).</summary>
internal static class ExportSinks
{
    /// <summary>Export names accepted by <c>--export</c>.</summary>
    public static readonly string[] Names = ["mot", "cvat", "coco", "events", "video", "detections"];

    /// <summary>Parses <c>--export</c>; an unknown name is a user error listing the valid ones.</summary>
    public static HashSet<string> Parse(string value)
    {
        var set = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var unknown = set.Where(s => !Names.Contains(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new VisionTrackerException($"Unknown export '{string.Join(",", unknown)}'. Valid: {string.Join(", ", Names)}.");
        }

        return set;
    }

    /// <summary>Checks a <c>--smooth</c> sigma (seconds, 0 = off, at most 10); out of range is a user error.</summary>
    public static double CheckSmoothSeconds(double seconds) => seconds is >= 0 and <= 10
        ? seconds
        : throw new VisionTrackerException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--smooth {seconds}: give a sigma in seconds from 0 (off) to 10; vtrack track's default is {TrackSmoothing.DefaultSigmaSeconds}."));

    /// <summary>Creates one sink per requested export, writing <c>DIR/STEM.*</c>; returns the sinks and the files they write.</summary>
    public static (List<IFrameSink> Sinks, List<string> Files) Create(IReadOnlySet<string> exports, string dir, string stem, FrameSourceInfo info, IReadOnlyList<string> classNames, ZoneObserver? zones = null, int interpolateGap = 0, double smoothSeconds = TrackSmoothing.DefaultSigmaSeconds)
    {
        var sinks = new List<IFrameSink>();
        var files = new List<string>();
        var targets = new List<(AnnotationFormat Format, string Path)>();
        foreach (var (name, format, ext) in new[] { ("mot", AnnotationFormat.Mot, ".mot.txt"), ("cvat", AnnotationFormat.Cvat, ".cvat.xml"), ("coco", AnnotationFormat.CocoVideo, ".coco.json") })
        {
            if (exports.Contains(name))
            {
                targets.Add((format, Path.Combine(dir, stem + ext)));
            }
        }

        if (targets.Count > 0)
        {
            sinks.Add(new TrackExportSink(stem, info.Width, info.Height, info.Fps, classNames, targets, interpolateGap, smoothSeconds));
            files.AddRange(targets.Select(t => t.Path));
        }

        if (exports.Contains("events"))
        {
            var ev = new EventsJsonlSink(Path.Combine(dir, stem + ".events.jsonl"));
            sinks.Add(ev);
            files.Add(ev.FilePath);
        }

        if (exports.Contains("detections"))
        {
            // The rows the tracker received, exact (MOT det.txt + .emb sidecar); `--detections` replays them.
            var d = new DetectionDumpSink(Path.Combine(dir, stem + ".det.txt"));
            sinks.Add(d);
            files.Add(d.FilePath);
            files.Add(VisionTracker.Pipeline.DetectionDump.SidecarPath(d.FilePath));
        }

        if (exports.Contains("video"))
        {
            var v = new AnnotatedVideoSink(Path.Combine(dir, stem + ".annotated.mp4"), info.Width, info.Height, info.Fps, classNames, zones);
            sinks.Add(v);
            files.Add(v.FilePath);
        }

        return (sinks, files);
    }
}
