using System.Text.Json;
using System.Text.RegularExpressions;

namespace VisionTracker.Pipeline;

/// <summary>One camera (or video file) of a cameras file.</summary>
/// <param name="Name">Unique name: the camera label on the dashboard and in <c>/metrics</c>, and the output file prefix.</param>
/// <param name="Source">File, camera index, rtsp/http URL or MOT sequence folder (as <c>vtrack track SOURCE</c>).</param>
/// <param name="Zones">Zones file, or null.</param>
/// <param name="Classes">Comma-separated COCO class names this camera keeps, or null for the command line's <c>--classes</c>.</param>
/// <param name="Events">Events JSON-lines file (live: appended), or null.</param>
/// <param name="Out">Output folder for <c>vtrack track</c>, or null for OUT/NAME under the run's folder.</param>
/// <param name="Realtime">Play a file at its own frame rate (live).</param>
public sealed record CameraEntry(string Name, string Source, string? Zones, string? Classes, string? Events, string? Out, bool Realtime);

/// <summary>
/// Reads a cameras file: JSON naming N sources for one process (<c>vtrack live --cameras</c>, <c>vtrack track --cameras</c>).
/// Relative paths are relative to the file's folder; <c>${VAR}</c> is replaced by the environment variable VAR.
/// </summary>
/// <example>
/// <code>
/// { "cameras": [
///   { "name": "table", "source": "${VISIONTRACKER_DATA}/videos/bottle-detection.mp4", "classes": "bottle",
///     "zones": "zones/bottle-detection.json", "events": "table.events.jsonl" },
///   { "name": "door", "source": "rtsp://127.0.0.1:8554/door", "classes": "person" } ] }
/// </code>
/// </example>
public static partial class CamerasFile
{
    private static readonly string[] CameraProperties = ["name", "source", "zones", "classes", "events", "out", "realtime", "description"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>Loads and checks a cameras file.</summary>
    /// <exception cref="VisionTrackerException">The file is missing, not JSON, or a camera entry is invalid (the message names it).</exception>
    public static IReadOnlyList<CameraEntry> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Cameras file '{path}' not found: pass the path of an existing JSON file (example: samples/cameras.json).");
        }

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new VisionTrackerException($"Cameras file '{path}' cannot be read ({ex.Message}): check its permissions.", ex);
        }

        return Parse(json, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? Directory.GetCurrentDirectory());
    }

    /// <summary>Parses cameras JSON; <paramref name="baseFolder"/> anchors relative paths.</summary>
    /// <exception cref="VisionTrackerException">The JSON is invalid or a camera entry is invalid.</exception>
    public static IReadOnlyList<CameraEntry> Parse(string json, string fileName, string baseFolder)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new VisionTrackerException($"Cameras file '{fileName}' is not valid JSON ({MessageText.OneLine(ex.Message)}).", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("cameras", out JsonElement list) || list.ValueKind != JsonValueKind.Array)
            {
                throw new VisionTrackerException($"Cameras file '{fileName}' needs a \"cameras\" array: {{ \"cameras\": [ {{ \"name\": \"a\", \"source\": \"a.mp4\" }} ] }}.");
            }

            try
            {
                return ParseCameras(list, fileName, baseFolder);
            }
            catch (InvalidOperationException ex)
            {
                // A string with broken UTF-8 or a lone \u surrogate escape fails only when it is read.
                throw new VisionTrackerException($"Cameras file '{fileName}' holds text that is not valid (broken UTF-8 or a lone \\u surrogate escape): fix the strings.", ex);
            }
        }
    }

    private static List<CameraEntry> ParseCameras(JsonElement list, string fileName, string baseFolder)
    {
        var cameras = new List<CameraEntry>();
        int i = 0;
        foreach (JsonElement c in list.EnumerateArray())
        {
            string where = $"Cameras file '{fileName}', camera {i + 1}";
            if (c.ValueKind != JsonValueKind.Object)
            {
                throw new VisionTrackerException($"{where}: each camera is an object with at least \"name\" and \"source\".");
            }

            foreach (JsonProperty p in c.EnumerateObject())
            {
                if (!CameraProperties.Contains(p.Name, StringComparer.Ordinal))
                {
                    throw new VisionTrackerException($"{where}: unknown property \"{MessageText.OneLine(p.Name)}\" (known: {string.Join(", ", CameraProperties)}).");
                }
            }

            string name = Text(c, "name", where) ?? throw new VisionTrackerException($"{where}: \"name\" is missing.");
            where = $"Cameras file '{fileName}', camera '{MessageText.OneLine(name)}'";
            if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.')))
            {
                throw new VisionTrackerException($"{where}: the name may use only letters, digits, '-', '_' and '.' (it names files and metric labels).");
            }

            string source = Text(c, "source", where) ?? throw new VisionTrackerException($"{where}: \"source\" is missing.");
            source = Expand(source);
            if (string.IsNullOrWhiteSpace(source))
            {
                throw new VisionTrackerException($"{where}: \"source\" is empty: give a file, camera index, rtsp/http URL or MOT sequence folder.");
            }

            if (!IsUrlOrIndex(source))
            {
                source = Resolve(source, baseFolder);
            }

            bool realtime = c.TryGetProperty("realtime", out JsonElement rt) && rt.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new VisionTrackerException($"{where}: \"realtime\" must be true or false."),
            };
            cameras.Add(new CameraEntry(
                name,
                source,
                PathOf(c, "zones", where, baseFolder),
                Classes(c, where),
                PathOf(c, "events", where, baseFolder),
                PathOf(c, "out", where, baseFolder),
                realtime));
            i++;
        }

        if (cameras.Count == 0)
        {
            throw new VisionTrackerException($"Cameras file '{fileName}' lists no cameras.");
        }

        if (cameras.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } dup)
        {
            throw new VisionTrackerException($"Cameras file '{fileName}': the name '{dup.Key}' is used twice; names must be unique.");
        }

        return cameras;
    }

    private static string? Text(JsonElement c, string property, string where)
    {
        if (!c.TryGetProperty(property, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String
            ? v.GetString()!.Trim()
            : throw new VisionTrackerException($"{where}: \"{property}\" must be a string.");
    }

    private static string? PathOf(JsonElement c, string property, string where, string baseFolder) =>
        Text(c, property, where) is { Length: > 0 } p ? Resolve(Expand(p), baseFolder) : null;

    // "bottle,person" or ["bottle", "person"] → "bottle,person".
    private static string? Classes(JsonElement c, string where)
    {
        if (!c.TryGetProperty("classes", out JsonElement v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Array && v.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String))
        {
            return string.Join(',', v.EnumerateArray().Select(e => e.GetString()));
        }

        return Text(c, "classes", where);
    }

    private static bool IsUrlOrIndex(string source) =>
        source.All(char.IsAsciiDigit) || source.Contains("://", StringComparison.Ordinal);

    private static string Resolve(string path, string baseFolder) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(baseFolder, path));

    private static string Expand(string text) =>
        Variable().Replace(text, m => Environment.GetEnvironmentVariable(m.Groups[1].Value) is { Length: > 0 } v
            ? v
            : throw new VisionTrackerException($"Cameras file: the environment variable {m.Groups[1].Value} (used as {m.Value}) is not set."));

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}
