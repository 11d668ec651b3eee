using System.Globalization;
using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Monitor;

/// <summary>
/// Draws the dashboard's overlay on a copy of the frame: zone polygons with their counts, track boxes with
/// "class id", and a one-line header. Small on purpose; richer drawing belongs to the annotation exports.
/// </summary>
internal sealed class StreamOverlay : IDisposable
{
    private static readonly Scalar[] Palette =
    [
        new(56, 56, 255), new(151, 157, 255), new(31, 112, 255), new(29, 178, 255), new(49, 210, 207),
        new(10, 249, 72), new(23, 204, 146), new(134, 219, 61), new(211, 188, 0), new(209, 99, 0),
        new(255, 144, 0), new(236, 24, 0), new(255, 56, 132), new(133, 0, 82), new(255, 56, 203),
    ];

    private static readonly Scalar ZoneColor = new(0, 215, 255);
    private static readonly Scalar White = new(255, 255, 255);
    private static readonly Scalar Black = new(0, 0, 0);

    private readonly Mat _canvas = new();

    /// <summary>Copies <paramref name="image"/> into the reused canvas and draws on it; the canvas is valid until the next call.</summary>
    public Mat Draw(Mat image, Detections tracks, IReadOnlyList<MonitorZone> zones, IReadOnlyDictionary<string, int> counts, string header)
    {
        image.CopyTo(_canvas);
        double scale = Math.Max(0.4, _canvas.Height / 900.0);
        int thick = Math.Max(1, (int)Math.Round(scale * 2));

        foreach (MonitorZone z in zones)
        {
            if (z.Points.Count < 2)
            {
                continue;
            }

            var pts = new Point[z.Points.Count];
            for (int i = 0; i < pts.Length; i++)
            {
                pts[i] = new Point((int)Math.Round(z.Points[i].X), (int)Math.Round(z.Points[i].Y));
            }

            Cv2.Polylines(_canvas, [pts], isClosed: true, ZoneColor, thick, LineTypes.AntiAlias);
        }

        // Zone labels are laid out together so that overlapping zones never print on top of each other.
        var (labels, rects) = ZoneLabels(zones, counts, _canvas.Width, _canvas.Height, scale);
        for (int i = 0; i < labels.Length; i++)
        {
            LabelIn(labels[i], rects[i], ZoneColor, scale);
        }

        ReadOnlySpan<BoxF> boxes = tracks.Boxes;
        ReadOnlySpan<int> classes = tracks.ClassIds;
        for (int i = 0; i < boxes.Length; i++)
        {
            int id = tracks.HasTrackIds ? tracks.TrackIds[i] : -1;
            Scalar color = Palette[(id < 0 ? i : id) % Palette.Length];
            BoxF b = boxes[i];
            var rect = new Rect((int)b.X1, (int)b.Y1, Math.Max(1, (int)b.Width), Math.Max(1, (int)b.Height));
            Cv2.Rectangle(_canvas, rect, color, thick, LineTypes.AntiAlias);
            string name = CocoClasses.NameOf(classes[i]);
            // "person 3" rather than "#3 person": Hershey fonts draw '#' as an unreadable blob at small sizes.
            string text = id >= 0 ? $"{name} {id.ToString(CultureInfo.InvariantCulture)}" : name;
            Label(text, new Point(rect.X, rect.Y), color, scale);
        }

        Label(header, new Point(0, _canvas.Height), Black, scale);
        return _canvas;
    }

    /// <inheritdoc/>
    public void Dispose() => _canvas.Dispose();

    /// <summary>Each zone's label ("name: count") and its filled rectangle on a <paramref name="width"/> x <paramref name="height"/> canvas (<see cref="LabelLayout"/>).</summary>
    internal static (string[] Labels, BoxF[] Rects) ZoneLabels(IReadOnlyList<MonitorZone> zones, IReadOnlyDictionary<string, int> counts, int width, int height, double scale)
    {
        var drawn = zones.Where(z => z.Points.Count >= 2).ToList();
        var labels = new string[drawn.Count];
        var regions = new BoxF[drawn.Count];
        var sizes = new (float, float)[drawn.Count];
        for (int i = 0; i < drawn.Count; i++)
        {
            MonitorZone z = drawn[i];
            labels[i] = counts.TryGetValue(z.Name, out int n) ? $"{z.Name}: {n.ToString(CultureInfo.InvariantCulture)}" : z.Name;
            Size size = Cv2.GetTextSize(labels[i], HersheyFonts.HersheySimplex, 0.5 * scale, 1, out int baseline);
            sizes[i] = (size.Width + 4, size.Height + baseline + 4);
            regions[i] = new BoxF(
                (float)Math.Round(z.Points.Min(p => p.X)),
                (float)Math.Round(z.Points.Min(p => p.Y)),
                (float)Math.Round(z.Points.Max(p => p.X)),
                (float)Math.Round(z.Points.Max(p => p.Y)));
        }

        return (labels, LabelLayout.Place(regions, sizes, width, height));
    }

    /// <summary>Text on the filled rectangle <paramref name="rect"/> (from <see cref="ZoneLabels"/>).</summary>
    private void LabelIn(string text, BoxF rect, Scalar background, double scale)
    {
        const HersheyFonts font = HersheyFonts.HersheySimplex;
        Size size = Cv2.GetTextSize(text, font, 0.5 * scale, 1, out _);
        var r = new Rect((int)rect.X1, (int)rect.Y1, (int)(rect.X2 - rect.X1), (int)(rect.Y2 - rect.Y1));
        Cv2.Rectangle(_canvas, r, background, -1);
        Scalar fg = background.Val0 + background.Val1 + background.Val2 > 450 ? Black : White;
        Cv2.PutText(_canvas, text, new Point(r.X + 2, r.Y + size.Height + 2), font, 0.5 * scale, fg, 1, LineTypes.AntiAlias);
    }

    /// <summary>Text on a filled box whose bottom-left corner is at <paramref name="at"/> (moved inside the frame).</summary>
    private void Label(string text, Point at, Scalar background, double scale)
    {
        const HersheyFonts font = HersheyFonts.HersheySimplex;
        double fontScale = 0.5 * scale;
        Size size = Cv2.GetTextSize(text, font, fontScale, 1, out int baseline);
        int x = Math.Clamp(at.X, 0, Math.Max(0, _canvas.Width - size.Width - 4));
        int y = Math.Clamp(at.Y, size.Height + baseline + 4, _canvas.Height);
        Cv2.Rectangle(_canvas, new Rect(x, y - size.Height - baseline - 4, size.Width + 4, size.Height + baseline + 4), background, -1);
        Scalar fg = background.Val0 + background.Val1 + background.Val2 > 450 ? Black : White;
        Cv2.PutText(_canvas, text, new Point(x + 2, y - baseline - 2), font, fontScale, fg, 1, LineTypes.AntiAlias);
    }
}
