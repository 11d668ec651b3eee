using OpenCvSharp;
using VisionTracker.Geometry;
using VisionTracker.Shelf;

namespace VisionTracker.Video;

/// <summary>Draws zone polygons and their current counts onto a frame (the drawing half of shelf zones).</summary>
public static class ZoneOverlay
{
    private static readonly Scalar ShelfColor = new(0, 215, 255);
    private static readonly Scalar AreaColor = new(255, 160, 0);

    private const HersheyFonts Font = HersheyFonts.HersheySimplex;
    private const double FontScale = 0.5;

    /// <summary>Draws every zone's outline and a "name: count" label beside it; labels never cover each other (<see cref="LabelLayout"/>).</summary>
    public static void Draw(Mat canvas, IReadOnlyList<ZoneSnapshot> zones)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(zones);
        BoxF[] rects = LabelRects(zones, canvas.Width, canvas.Height);
        for (int i = 0; i < zones.Count; i++)
        {
            ZoneSnapshot z = zones[i];
            var pts = z.Zone.Polygon.Vertices.Select(v => new Point((int)MathF.Round(v.X), (int)MathF.Round(v.Y))).ToArray();
            Scalar color = z.Zone.Kind == ZoneKind.Shelf ? ShelfColor : AreaColor;
            Cv2.Polylines(canvas, [pts], isClosed: true, color, 2, LineTypes.AntiAlias);
        }

        for (int i = 0; i < zones.Count; i++)
        {
            ZoneSnapshot z = zones[i];
            Scalar color = z.Zone.Kind == ZoneKind.Shelf ? ShelfColor : AreaColor;
            var size = Cv2.GetTextSize(z.Label, Font, FontScale, 1, out _);
            var r = ToRect(rects[i]);
            Cv2.Rectangle(canvas, r, color, -1);
            Cv2.PutText(canvas, z.Label, new Point(r.X + 2, r.Y + size.Height + 2), Font, FontScale, Scalar.Black, 1, LineTypes.AntiAlias);
        }
    }

    /// <summary>The filled label rectangles <see cref="Draw"/> paints on a <paramref name="width"/> x <paramref name="height"/> frame, in zone order, in whole pixels.</summary>
    public static BoxF[] LabelRects(IReadOnlyList<ZoneSnapshot> zones, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(zones);
        var sizes = new (float, float)[zones.Count];
        var regions = new BoxF[zones.Count];
        for (int i = 0; i < zones.Count; i++)
        {
            var size = Cv2.GetTextSize(zones[i].Label, Font, FontScale, 1, out int baseline);
            sizes[i] = (size.Width + 4, size.Height + baseline + 2);
            BoxF b = zones[i].Zone.Polygon.Bounds;
            regions[i] = new BoxF(MathF.Round(b.X1), MathF.Round(b.Y1), MathF.Round(b.X2), MathF.Round(b.Y2));
        }

        return LabelLayout.Place(regions, sizes, width, height);
    }

    private static Rect ToRect(BoxF b) => new((int)b.X1, (int)b.Y1, (int)(b.X2 - b.X1), (int)(b.Y2 - b.Y1));
}
