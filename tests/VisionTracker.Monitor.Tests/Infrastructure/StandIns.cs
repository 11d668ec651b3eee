using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Infrastructure;

/// <summary>
/// Stands in for a detector until a real one is on this branch: one "person" box that walks across the frame with
/// the frame index, and a fixed "bottle" box. It sleeps a little, as a detector on a CPU would, so that the live
/// pipeline has something to drop.
/// </summary>
internal static class MovingBoxDetector
{
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(40);

    public static Detections Detect(Frame f)
    {
        Thread.Sleep(Latency);
        float w = f.Width / 6f;
        float h = f.Height / 2f;
        float x = (f.Index * 4) % Math.Max(1, f.Width - w);
        var person = new BoxF(x, f.Height / 4f, x + w, (f.Height / 4f) + h);
        var bottle = new BoxF(f.Width * 0.75f, f.Height * 0.6f, (f.Width * 0.75f) + 30, (f.Height * 0.6f) + 60);
        return new Detections([person, bottle], [0.9f, 0.8f], [CocoClasses.IdOf("person"), CocoClasses.IdOf("bottle")]);
    }
}

/// <summary>Gives detection i the track id i + 1: enough for drawing and counting.</summary>
internal sealed class IndexTracker : ITracker
{
    public Detections Update(Detections detections, double timestampSeconds) =>
        detections.WithTrackIds(Enumerable.Range(1, detections.Count).ToArray());

    public void Reset()
    {
    }
}

/// <summary>The event the test observer raises.</summary>
internal sealed record TickEvent(long Sequence, long FrameIndex, int Tracks, string Note);

/// <summary>Raises a <see cref="TickEvent"/> every <c>every</c> observed frames (frame indexes skip when live drops).</summary>
internal sealed class TickObserver(int every) : IFrameObserver
{
    private long _seen;
    private long _ticks;

    public IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds) =>
        ++_seen % every == 0 ? [new TickEvent(++_ticks, frameIndex, tracks.Count, "tick \"quoted\"\nline")] : [];
}

/// <summary>Counts tracks whose centre lies in each axis-aligned zone and tells the hub.</summary>
internal sealed class ZoneCounter(LiveHub hub, IReadOnlyList<MonitorZone> zones) : IFrameObserver
{
    public IReadOnlyList<object> Observe(Detections tracks, long frameIndex, double timestampSeconds)
    {
        var counts = new Dictionary<string, int>();
        foreach (MonitorZone z in zones)
        {
            float x1 = z.Points.Min(p => p.X), x2 = z.Points.Max(p => p.X), y1 = z.Points.Min(p => p.Y), y2 = z.Points.Max(p => p.Y);
            int n = 0;
            foreach (BoxF b in tracks.Boxes)
            {
                if (b.CenterX >= x1 && b.CenterX <= x2 && b.CenterY >= y1 && b.CenterY <= y2)
                {
                    n++;
                }
            }

            counts[z.Name] = n;
        }

        hub.SetZoneCounts(counts);
        return [];
    }
}
