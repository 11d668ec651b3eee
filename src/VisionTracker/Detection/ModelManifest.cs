using System.Text.Json;
using System.Text.Json.Serialization;
using VisionTracker.Data;

namespace VisionTracker.Detection;

/// <summary>The models the project knows: <c>models/models.json</c>, embedded in the binary (name, file, URL, sha256, size, input, layout, preprocessing, license).</summary>
public sealed class ModelManifest
{
    /// <summary>The manifest's file name inside <c>models/</c>.</summary>
    public const string FileName = "models.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Creates a manifest from entries; <paramref name="defaultName"/> must be one of them (or null).</summary>
    public ModelManifest(IReadOnlyList<ModelEntry> models, string? defaultName)
    {
        ArgumentNullException.ThrowIfNull(models);
        Models = models;
        DefaultName = defaultName;
    }

    /// <summary>The entries, in file order.</summary>
    public IReadOnlyList<ModelEntry> Models { get; }

    /// <summary>The default model's name (deimv2-femto), or null.</summary>
    public string? DefaultName { get; }

    /// <summary>The default model's entry, or null when the manifest names none.</summary>
    public ModelEntry? Default => DefaultName is null ? null : Find(DefaultName);

    /// <summary>Where the manifest came from: a file path, or <c>embedded</c> for the copy compiled into vtrack.</summary>
    public string Origin { get; private init; } = Manifests.EmbeddedOrigin;

    /// <summary>
    /// Loads the manifest vtrack uses: <c>$VISIONTRACKER_DATA/models/models.json</c>, else <c>./models/models.json</c>,
    /// else the copy embedded in the binary (see <see cref="Manifests"/>).
    /// </summary>
    /// <exception cref="VisionTrackerException">An override file does not parse.</exception>
    public static ModelManifest LoadDefault()
    {
        var (json, origin) = Manifests.Read("models", FileName);
        return Parse(json, origin);
    }

    /// <summary>Loads a manifest file.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or is not a valid manifest.</exception>
    public static ModelManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Model manifest not found: {path}. Restore models/{FileName} from the repository.");
        }

        return Parse(File.ReadAllText(path), Path.GetFullPath(path));
    }

    /// <summary>Parses manifest JSON; <paramref name="origin"/> names it in error messages and in <see cref="Origin"/>.</summary>
    /// <exception cref="VisionTrackerException">The text is not a valid manifest.</exception>
    public static ModelManifest Parse(string json, string origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        string path = origin == Manifests.EmbeddedOrigin ? "(embedded models.json)" : origin;
        ManifestDto? dto;
        try
        {
            dto = JsonSerializer.Deserialize<ManifestDto>(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new VisionTrackerException($"Model manifest {path} is not valid JSON ({ex.Message}): restore models/{FileName} from the repository.", ex);
        }

        if (dto?.Models is null)
        {
            throw new VisionTrackerException($"Model manifest {path} has no \"models\" list: restore models/{FileName} from the repository.");
        }

        var entries = new List<ModelEntry>(dto.Models.Count);
        foreach (var m in dto.Models)
        {
            if (string.IsNullOrWhiteSpace(m.Name) || string.IsNullOrWhiteSpace(m.File) || string.IsNullOrWhiteSpace(m.Sha256))
            {
                throw new VisionTrackerException($"Model manifest {path} has an entry without name, file or sha256: fix models/{FileName}.");
            }

            var p = m.Preprocess;
            PreprocessSpec spec = p is null
                ? PreprocessSpec.DetrDefault
                : new PreprocessSpec(p.Resize ?? "stretch", p.ColorOrder ?? "rgb", p.Scale ?? 1f / 255f, p.Mean ?? [0f, 0f, 0f], p.Std ?? [1f, 1f, 1f]);
            entries.Add(new ModelEntry(m.Name, m.File, m.Url ?? string.Empty, m.Sha256.ToLowerInvariant(), m.Size, m.Task ?? "detection", m.Layout ?? "rtdetr", m.Input?.Width ?? 0, m.Input?.Height ?? 0, spec, m.Labels, m.License ?? "unknown"));
        }

        if (dto.Default is { } d && !entries.Any(e => e.Name == d))
        {
            throw new VisionTrackerException($"Model manifest {path} names default model '{d}', which has no entry: fix models/{FileName}.");
        }

        return new ModelManifest(entries, dto.Default) { Origin = origin };
    }

    /// <summary>The entry named <paramref name="name"/> (or whose file name is <paramref name="name"/>), or null.</summary>
    public ModelEntry? Find(string name) =>
        Models.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? Models.FirstOrDefault(e => string.Equals(e.File, name, StringComparison.Ordinal));

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="VisionTrackerException">No entry has that name; the message lists the known names.</exception>
    public ModelEntry Get(string name) =>
        Find(name) ?? throw new VisionTrackerException($"Unknown model '{name}'. Known models: {string.Join(", ", Models.Select(m => m.Name))}. Pass one of these names or a path to a .onnx file.");

    private sealed class ManifestDto
    {
        public string? Default { get; set; }

        public List<EntryDto>? Models { get; set; }
    }

    private sealed class EntryDto
    {
        public string Name { get; set; } = string.Empty;

        public string File { get; set; } = string.Empty;

        public string? Url { get; set; }

        public string Sha256 { get; set; } = string.Empty;

        public long Size { get; set; }

        public string? Task { get; set; }

        public string? Layout { get; set; }

        public InputDto? Input { get; set; }

        public PreprocessDto? Preprocess { get; set; }

        public string? Labels { get; set; }

        public string? License { get; set; }
    }

    private sealed class InputDto
    {
        public int Width { get; set; }

        public int Height { get; set; }
    }

    private sealed class PreprocessDto
    {
        public string? Resize { get; set; }

        public string? ColorOrder { get; set; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
        public float? Scale { get; set; }

        public float[]? Mean { get; set; }

        public float[]? Std { get; set; }
    }
}
