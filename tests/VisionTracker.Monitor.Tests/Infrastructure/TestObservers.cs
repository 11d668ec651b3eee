using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;

namespace VisionTracker.Monitor.Tests.Infrastructure;

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
