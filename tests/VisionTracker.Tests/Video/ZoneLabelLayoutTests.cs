using OpenCvSharp;
using VisionTracker.Geometry;
using VisionTracker.Shelf;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;

namespace VisionTracker.Tests.Video;

/// <summary>Zone labels in the annotated video never cover each other (issue 16: the bottle sample's table label was hidden under spot-left).</summary>
public sealed class ZoneLabelLayoutTests
{
    private static List<ZoneSnapshot> BottleZones(int count)
    {
        string path = Path.Combine(TestData.RepoRoot, "samples", "zones", "bottle-detection.json");
        return ZoneFile.Load(path, 640, 360).Select(z => new ZoneSnapshot(z, z.ClassIds.ToDictionary(c => c, _ => count))).ToList();
    }

    private static void AssertApart(IReadOnlyList<BoxF> rects, int width, int height)
    {
        for (int i = 0; i < rects.Count; i++)
        {
            Assert.True(rects[i].X1 >= 0 && rects[i].Y1 >= 0 && rects[i].X2 <= width && rects[i].Y2 <= height, $"label {i} {rects[i]} leaves the {width}x{height} frame");
            Assert.True(rects[i].Width > 10 && rects[i].Height > 5, $"label {i} {rects[i]} is too small to hold text");
            for (int j = i + 1; j < rects.Count; j++)
            {
                Assert.False(LabelLayout.Overlap(rects[i], rects[j]), $"labels {i} {rects[i]} and {j} {rects[j]} overlap");
            }
        }
    }

    [Fact]
    public void BottleSampleZones_LabelsDoNotOverlap_AndAreDrawnThere()
    {
        var zones = BottleZones(3);
        Assert.Equal(4, zones.Count);
        BoxF[] rects = ZoneOverlay.LabelRects(zones, 640, 360);
        AssertApart(rects, 640, 360);

        // Render: each label's rectangle is filled with the shelf colour (BGR 0,215,255) at its top-left corner.
        using var canvas = new Mat(360, 640, MatType.CV_8UC3, Scalar.Black);
        ZoneOverlay.Draw(canvas, zones);
        foreach (BoxF r in rects)
        {
            Vec3b px = canvas.At<Vec3b>((int)r.Y1 + 1, (int)r.X1 + 1);
            Assert.True(px.Item0 == 0 && px.Item1 == 215 && px.Item2 == 255, $"label rectangle {r} was not painted (pixel {px.Item0},{px.Item1},{px.Item2})");
        }
    }

    [Fact]
    public void ManyZonesOnTheSameSpot_StackTheirLabels()
    {
        var regions = Enumerable.Repeat(new BoxF(100, 100, 200, 150), 8).ToArray();
        var sizes = Enumerable.Repeat((120f, 18f), 8).ToArray();
        BoxF[] rects = LabelLayout.Place(regions, sizes, 640, 360);
        AssertApart(rects, 640, 360);

        // A zone in a corner: its label stays inside the frame.
        BoxF[] corner = LabelLayout.Place([new BoxF(600, 0, 640, 30), new BoxF(590, 0, 640, 40)], [(150f, 18f), (150f, 18f)], 640, 360);
        AssertApart(corner, 640, 360);
    }
}
