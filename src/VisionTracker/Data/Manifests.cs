namespace VisionTracker.Data;

/// <summary>
/// The manifests <c>models.json</c> and <c>videos.json</c>. Both are embedded in the library, so an installed
/// <c>vtrack</c> knows its models from any folder; a file in <c>$VISIONTRACKER_DATA/&lt;kind&gt;/</c> or in
/// <c>./&lt;kind&gt;/</c> (the working directory) overrides the embedded copy, in that order.
/// </summary>
public static class Manifests
{
    /// <summary>What <see cref="Origin"/> says for the copy compiled into the binary.</summary>
    public const string EmbeddedOrigin = "embedded";

    /// <summary>
    /// The manifest <paramref name="fileName"/> (models.json, videos.json) of <paramref name="kind"/> (models, videos):
    /// the first override file that exists, else the embedded copy.
    /// </summary>
    /// <returns>The JSON text and where it came from: a full path, or <see cref="EmbeddedOrigin"/>.</returns>
    /// <exception cref="VisionTrackerException">No override exists and the binary embeds no such manifest.</exception>
    public static (string Json, string Origin) Read(string kind, string fileName)
    {
        if (OverridePath(kind, fileName) is { } path)
        {
            return (File.ReadAllText(path), path);
        }

        using Stream? stream = typeof(Manifests).Assembly.GetManifestResourceStream(ResourceName(fileName))
            ?? throw new VisionTrackerException($"This vtrack embeds no {fileName}: put one in {Path.Combine(kind, fileName)} or set {DataPaths.EnvironmentVariable} to a folder holding {kind}/{fileName}.");
        using var reader = new StreamReader(stream);
        return (reader.ReadToEnd(), EmbeddedOrigin);
    }

    /// <summary>Where <see cref="Read"/> takes <paramref name="fileName"/> from: a full path, or <see cref="EmbeddedOrigin"/>.</summary>
    public static string Origin(string kind, string fileName) => OverridePath(kind, fileName) ?? EmbeddedOrigin;

    /// <summary>Override files looked for, most preferred first: <c>$VISIONTRACKER_DATA/kind/file</c>, then <c>./kind/file</c>.</summary>
    public static IEnumerable<string> OverrideCandidates(string kind, string fileName)
    {
        if (DataPaths.DataRoot is { } data)
        {
            yield return Path.Combine(data, kind, fileName);
        }

        yield return Path.GetFullPath(Path.Combine(kind, fileName));
    }

    private static string? OverridePath(string kind, string fileName) => OverrideCandidates(kind, fileName).FirstOrDefault(File.Exists);

    private static string ResourceName(string fileName) => "VisionTracker.Manifests." + fileName;
}
