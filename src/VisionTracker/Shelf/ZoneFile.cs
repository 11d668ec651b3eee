using System.Globalization;
using System.Text.Json;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Shelf;

/// <summary>
/// Reads a zones file (JSON; schema in <c>samples/zones/README.md</c>) and returns validated zones in frame pixels.
/// Every problem is a <see cref="VisionTrackerException"/> whose one-line message names the file, the zone and the fix.
/// </summary>
/// <example>
/// <code>
/// { "zones": [ { "name": "table", "kind": "shelf", "classes": ["bottle"],
///                "polygon": [[10,285],[630,285],[630,345],[10,345]] } ] }
/// </code>
/// </example>
public static class ZoneFile
{
    /// <summary>How far (in pixels) a vertex may lie outside the frame before the zone is rejected.</summary>
    public const float FrameTolerancePixels = 1f;

    private static readonly string[] FileProperties = ["zones", "description", "$schema"];

    private static readonly string[] ZoneProperties =
        ["name", "kind", "polygon", "normalized", "classes", "minStableSeconds", "holdSeconds", "dwellSeconds", "dwellReport", "description"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Loads and validates the zones in <paramref name="path"/> for a <paramref name="frameWidth"/> x <paramref name="frameHeight"/> video.</summary>
    /// <param name="path">The zones JSON file.</param>
    /// <param name="frameWidth">Frame width in pixels (normalised polygons are scaled by it).</param>
    /// <param name="frameHeight">Frame height in pixels.</param>
    /// <returns>The zones, in file order, with polygons in pixels.</returns>
    /// <exception cref="VisionTrackerException">The file is missing or unreadable, or any zone is invalid.</exception>
    public static IReadOnlyList<Zone> Load(string path, int frameWidth, int frameHeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Zones file '{path}' not found: pass the path of an existing JSON file (examples in samples/zones/).");
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VisionTrackerException($"Zones file '{path}' cannot be read ({ex.Message}): check its permissions.", ex);
        }

        return Parse(json, path, frameWidth, frameHeight);
    }

    /// <summary>Validates zones given as JSON text; <paramref name="source"/> names the text in error messages.</summary>
    /// <inheritdoc cref="Load(string, int, int)"/>
    public static IReadOnlyList<Zone> Parse(string json, string source, int frameWidth, int frameHeight)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameHeight);

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is { } line
                ? FormattableString.Invariant($" at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}")
                : string.Empty;
            throw new VisionTrackerException($"Zones file '{source}' is not valid JSON{where}: fix the syntax (see samples/zones/README.md for the format).", ex);
        }

        using (doc)
        {
            try
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Fail(source, null, "the top level must be an object like { \"zones\": [ ... ] }");
                }

                CheckProperties(root, FileProperties, source, null, "the top level");
                if (!root.TryGetProperty("zones", out var zonesEl) || zonesEl.ValueKind != JsonValueKind.Array)
                {
                    throw Fail(source, null, "it has no \"zones\" array; write { \"zones\": [ { \"name\": ..., \"polygon\": ... } ] }");
                }

                if (zonesEl.GetArrayLength() == 0)
                {
                    throw Fail(source, null, "the \"zones\" array is empty; add at least one zone");
                }

                var zones = new List<Zone>();
                var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                int index = 0;
                foreach (var zoneEl in zonesEl.EnumerateArray())
                {
                    var zone = ParseZone(zoneEl, index, source, frameWidth, frameHeight);
                    if (!names.Add(zone.Name))
                    {
                        throw Fail(source, zone.Name, "the name is used by another zone; give every zone a unique name");
                    }

                    zones.Add(zone);
                    index++;
                }

                return zones;
            }
            catch (InvalidOperationException ex)
            {
                // A string with broken UTF-8 or a lone \u surrogate escape fails only when it is read.
                throw new VisionTrackerException($"Zones file '{MessageText.OneLine(source)}' holds text that is not valid (broken UTF-8 or a lone \\u surrogate escape): fix the strings.", ex);
            }
        }
    }

    private static Zone ParseZone(JsonElement el, int index, string source, int width, int height)
    {
        string label = FormattableString.Invariant($"#{index + 1}");
        if (el.ValueKind != JsonValueKind.Object)
        {
            throw Fail(source, label, "each entry of \"zones\" must be an object");
        }

        if (!el.TryGetProperty("name", out var nameEl) || nameEl.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(nameEl.GetString()))
        {
            throw Fail(source, label, "it has no \"name\"; give it a non-empty string name");
        }

        string name = nameEl.GetString()!.Trim();
        CheckProperties(el, ZoneProperties, source, name, "a zone");

        var kind = ZoneKind.Shelf;
        if (el.TryGetProperty("kind", out var kindEl))
        {
            kind = (kindEl.ValueKind == JsonValueKind.String ? kindEl.GetString() : null)?.Trim().ToUpperInvariant() switch
            {
                "SHELF" => ZoneKind.Shelf,
                "AREA" => ZoneKind.Area,
                _ => throw Fail(source, name, $"\"kind\" is {MessageText.OneLine(kindEl.GetRawText())}; use \"shelf\" (products, bottom-centre anchor) or \"area\" (people, centre anchor)"),
            };
        }

        var polygon = ParsePolygon(el, source, name, width, height);
        var classIds = ParseClasses(el, source, name, kind);
        double minStable = OptionalNumber(el, "minStableSeconds", source, name, min: 0, allowZero: true) ?? Zone.DefaultMinStableSeconds;
        double hold = OptionalNumber(el, "holdSeconds", source, name, min: 0, allowZero: true) ?? Zone.DefaultHoldSeconds;
        double? dwell = OptionalNumber(el, "dwellSeconds", source, name, min: 0, allowZero: false);
        if (dwell is not null && kind == ZoneKind.Shelf)
        {
            throw Fail(source, name, "\"dwellSeconds\" applies to area zones only; set \"kind\": \"area\" or remove it");
        }

        var report = DwellReport.OnExit;
        if (el.TryGetProperty("dwellReport", out var repEl))
        {
            if (kind == ZoneKind.Shelf)
            {
                throw Fail(source, name, "\"dwellReport\" applies to area zones only; set \"kind\": \"area\" or remove it");
            }

            report = (repEl.ValueKind == JsonValueKind.String ? repEl.GetString() : null)?.Trim().ToUpperInvariant() switch
            {
                "EXIT" or "ONEXIT" => DwellReport.OnExit,
                "THRESHOLD" or "ONTHRESHOLD" => DwellReport.OnThreshold,
                _ => throw Fail(source, name, $"\"dwellReport\" is {MessageText.OneLine(repEl.GetRawText())}; use \"exit\" (one event when the visit ends, with its duration) or \"threshold\" (as soon as the visit passes dwellSeconds)"),
            };
        }

        return new Zone(name, kind, polygon, classIds, minStable, hold, dwell, report);
    }

    private static Polygon ParsePolygon(JsonElement el, string source, string name, int width, int height)
    {
        if (!el.TryGetProperty("polygon", out var polyEl) || polyEl.ValueKind != JsonValueKind.Array)
        {
            throw Fail(source, name, "it has no \"polygon\"; give an array of [x, y] points, e.g. [[10,20],[200,20],[200,120]]");
        }

        var points = new List<PointF>();
        foreach (var ptEl in polyEl.EnumerateArray())
        {
            if (ptEl.ValueKind != JsonValueKind.Array || ptEl.GetArrayLength() != 2
                || ptEl[0].ValueKind != JsonValueKind.Number || ptEl[1].ValueKind != JsonValueKind.Number)
            {
                throw Fail(source, name, $"polygon point {points.Count + 1} is {MessageText.OneLine(ptEl.GetRawText())}; each point must be [x, y] with two numbers");
            }

            double x = ptEl[0].GetDouble(), y = ptEl[1].GetDouble();
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                throw Fail(source, name, $"polygon point {points.Count + 1} is not finite; use finite numbers");
            }

            points.Add(new PointF((float)x, (float)y));
        }

        if (points.Count < 3)
        {
            throw Fail(source, name, $"its polygon has {points.Count} point(s); a zone needs at least 3 points");
        }

        bool allUnit = points.All(p => p.X is >= 0f and <= 1f && p.Y is >= 0f and <= 1f);
        bool normalized;
        if (el.TryGetProperty("normalized", out var normEl))
        {
            if (normEl.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw Fail(source, name, $"\"normalized\" is {MessageText.OneLine(normEl.GetRawText())}; use true (0-1 coordinates) or false (pixels), or leave it out to detect it");
            }

            normalized = normEl.GetBoolean();
            if (normalized && !allUnit)
            {
                var bad = points.First(p => !(p.X is >= 0f and <= 1f && p.Y is >= 0f and <= 1f));
                throw Fail(source, name, FormattableString.Invariant(
                    $"it says \"normalized\": true but point [{bad.X:0.###},{bad.Y:0.###}] is outside 0-1; divide by the frame size or set \"normalized\": false"));
            }
        }
        else
        {
            normalized = allUnit;
        }

        var polygon = new Polygon(points);
        if (normalized)
        {
            polygon = polygon.ToPixels(width, height);
        }

        if (polygon.IsDegenerate)
        {
            throw Fail(source, name, "its polygon has no area (points repeated or on one line); draw a real outline");
        }

        foreach (var p in polygon.Vertices)
        {
            if (p.X < -FrameTolerancePixels || p.Y < -FrameTolerancePixels || p.X > width + FrameTolerancePixels || p.Y > height + FrameTolerancePixels)
            {
                string inside = polygon.Vertices.Any(v => v.X >= 0 && v.Y >= 0 && v.X <= width && v.Y <= height) ? "partly" : "entirely";
                throw Fail(source, name, string.Create(CultureInfo.InvariantCulture,
                    $"its polygon lies {inside} outside the {width}x{height} frame (point [{p.X:0.#},{p.Y:0.#}]); it was probably drawn for another resolution: redraw it, or use normalised 0-1 coordinates"));
            }
        }

        return polygon;
    }

    private static int[] ParseClasses(JsonElement el, string source, string name, ZoneKind kind)
    {
        if (!el.TryGetProperty("classes", out var clsEl))
        {
            return kind == ZoneKind.Area
                ? [CocoClasses.IdOf("person")]
                : throw Fail(source, name, "a shelf zone needs \"classes\", the products it counts, e.g. \"classes\": [\"bottle\"]");
        }

        if (clsEl.ValueKind != JsonValueKind.Array || clsEl.GetArrayLength() == 0)
        {
            throw Fail(source, name, "\"classes\" must be a non-empty array of class names, e.g. [\"bottle\"]");
        }

        var ids = new List<int>();
        foreach (var c in clsEl.EnumerateArray())
        {
            if (c.ValueKind != JsonValueKind.String)
            {
                throw Fail(source, name, $"class {MessageText.OneLine(c.GetRawText())} is not a string; write COCO class names such as \"bottle\"");
            }

            try
            {
                ids.Add(CocoClasses.IdOf(c.GetString()!));
            }
            catch (ArgumentException ex)
            {
                throw new VisionTrackerException(MessageText.OneLine($"Zones file '{source}', zone '{MessageText.OneLine(name)}': {ex.Message}", int.MaxValue), ex);
            }
        }

        return [.. ids];
    }

    private static double? OptionalNumber(JsonElement el, string property, string source, string name, double min, bool allowZero)
    {
        if (!el.TryGetProperty(property, out var v))
        {
            return null;
        }

        string rule = allowZero ? ">= 0" : "> 0";
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw Fail(source, name, $"\"{property}\" is {MessageText.OneLine(v.GetRawText())}; give a number of seconds {rule}");
        }

        double d = v.GetDouble();
        if (!double.IsFinite(d) || d < min || (!allowZero && d == min))
        {
            throw Fail(source, name, $"\"{property}\" is {MessageText.OneLine(v.GetRawText())}; give a number of seconds {rule}");
        }

        return d;
    }

    private static void CheckProperties(JsonElement el, string[] allowed, string source, string? zone, string what)
    {
        foreach (var p in el.EnumerateObject())
        {
            if (!allowed.Contains(p.Name, StringComparer.Ordinal))
            {
                throw Fail(source, zone, $"unknown property \"{p.Name}\" in {what}; valid properties are {string.Join(", ", allowed.Where(a => a != "$schema"))}");
            }
        }
    }

    private static VisionTrackerException Fail(string source, string? zone, string problem) =>
        new(MessageText.OneLine(zone is null ? $"Zones file '{source}': {problem}." : $"Zones file '{source}', zone '{MessageText.OneLine(zone)}': {problem}.", int.MaxValue));
}
