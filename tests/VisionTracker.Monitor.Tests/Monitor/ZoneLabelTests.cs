using VisionTracker.Geometry;
using VisionTracker.Shelf;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>The dashboard's zone labels use the same layout as the annotated video: the bottle sample's never overlap.</summary>
public sealed class ZoneLabelTests
{
    [Fact]
    public void BottleSampleZones_DashboardLabelsDoNotOverlap()
    {
        string repo = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repo, "samples", "zones", "bottle-detection.json")))
        {
            repo = Path.GetDirectoryName(repo) ?? throw new InvalidOperationException("samples/zones not found above the test binaries");
        }

        var zones = ZoneFile.Load(Path.Combine(repo, "samples", "zones", "bottle-detection.json"), 640, 360)
            .Select(z => new MonitorZone(z.Name, z.Polygon.Vertices.Select(v => (v.X, v.Y)).ToList()))
            .ToList();
        var counts = zones.ToDictionary(z => z.Name, _ => 3);
        foreach (double scale in new[] { 0.4, 1.2 })
        {
            var (labels, rects) = StreamOverlay.ZoneLabels(zones, counts, 640, 360, scale);
            Assert.Equal(4, labels.Length);
            for (int i = 0; i < rects.Length; i++)
            {
                Assert.True(rects[i].X1 >= 0 && rects[i].Y1 >= 0 && rects[i].X2 <= 640 && rects[i].Y2 <= 360, $"{labels[i]} at {rects[i]} leaves the frame");
                for (int j = i + 1; j < rects.Length; j++)
                {
                    Assert.False(LabelLayout.Overlap(rects[i], rects[j]), $"'{labels[i]}' {rects[i]} and '{labels[j]}' {rects[j]} overlap (scale {scale})");
                }
            }
        }
    }
}
