using OpenCvSharp;
using VisionTracker.Shelf;

namespace VisionTracker.Video;

/// <summary>Draws zone polygons and their current counts onto a frame (the drawing half of shelf zones).</summary>
public static class ZoneOverlay
{
    private static readonly Scalar ShelfColor = new(0, 215, 255);
    private static readonly Scalar AreaColor = new(255, 160, 0);

    /// <summary>Draws every zone's outline and a "name: count" label at its first vertex.</summary>
    public static void Draw(Mat canvas, IReadOnlyList<ZoneSnapshot> zones)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentNullException.ThrowIfNull(zones);
        foreach (ZoneSnapshot z in zones)
        {
            var pts = z.Zone.Polygon.Vertices.Select(v => new Point((int)MathF.Round(v.X), (int)MathF.Round(v.Y))).ToArray();
            Scalar color = z.Zone.Kind == ZoneKind.Shelf ? ShelfColor : AreaColor;
            Cv2.Polylines(canvas, [pts], isClosed: true, color, 2, LineTypes.AntiAlias);
            string label = z.Label;
            var size = Cv2.GetTextSize(label, HersheyFonts.HersheySimplex, 0.5, 1, out int baseline);
            var at = new Point(Math.Clamp(pts[0].X, 0, Math.Max(0, canvas.Width - size.Width - 4)), Math.Clamp(pts[0].Y - 4, size.Height + 2, canvas.Height - baseline));
            Cv2.Rectangle(canvas, new Rect(at.X, at.Y - size.Height - 2, size.Width + 4, size.Height + baseline + 2), color, -1);
            Cv2.PutText(canvas, label, new Point(at.X + 2, at.Y), HersheyFonts.HersheySimplex, 0.5, Scalar.Black, 1, LineTypes.AntiAlias);
        }
    }
}
