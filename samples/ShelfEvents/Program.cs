// Shelf events from a video, on the VisionTracker library API.
//   dotnet run --project samples/ShelfEvents -- VIDEO ZONES.json [MODEL.onnx]
// e.g. dotnet run --project samples/ShelfEvents -- ../shared/videos/bottle-detection.mp4 samples/zones/bottle-detection.json
using System.Globalization;
using VisionTracker;
using VisionTracker.Detection;
using VisionTracker.Shelf;
using VisionTracker.Tracking;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ShelfEvents VIDEO ZONES.json [MODEL.onnx]");
    return 2;
}

try
{
    // 1. Open the source: a file, camera index, rtsp/http URL or MOT sequence folder.
    using IFrameSource source = FrameSource.Open(args[0]);

    // 2. The detector: DEIMv2-Femto from the manifest's folders unless a path is given.
    string model = args.Length > 2 ? args[2] : new ModelStore(ModelManifest.LoadDefault()).Resolve("deimv2-femto").Path;
    using var detector = new DetrDetector(new DetrDetectorOptions { ModelPath = model, ScoreThreshold = 0.1f });

    // 3. The tracker: cross-attention over the detector's own decoder embeddings plus box geometry.
    ITracker tracker = new CrossAttentionTracker();

    // 4. The zones, placed in this source's pixels, and the monitor that turns tracks into counts and events.
    var monitor = new ZoneMonitor(ZoneFile.Load(args[1], source.Info.Width, source.Info.Height));

    long lastFrame = 0;
    double lastTime = 0;
    while (source.Read() is { } frame)
    {
        using (frame)
        {
            (lastFrame, lastTime) = (frame.Index, frame.TimestampSeconds);
            Detections detections = detector.Detect(frame.Image);
            Detections tracks = tracker.Update(detections, frame.TimestampSeconds);

            // The detections let the monitor date a returned item from when it came to rest, before its track started.
            foreach (ShelfEvent e in monitor.Update(tracks, detections, frame.Index, frame.TimestampSeconds))
            {
                Print(e);
            }
        }
    }

    // Close open dwell visits at the end of the stream.
    foreach (ShelfEvent e in monitor.Flush(lastFrame, lastTime))
    {
        Print(e);
    }

    return 0;
}
catch (VisionTrackerException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 2;
}

static void Print(ShelfEvent e) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.TimestampSeconds,7:0.00} s  {e.KindName,-9} {e.Zone,-12} {e.ClassName} #{e.TrackId?.ToString(CultureInfo.InvariantCulture) ?? "-"}  count {e.CountAfter}{(e.DurationSeconds is { } d ? $"  stayed {d:0.0} s" : string.Empty)}{(e.ConfirmedAfterSeconds > 0 ? $"  (confirmed {e.ConfirmedAfterSeconds:0.00} s later)" : string.Empty)}"));
