namespace VisionTracker.Data;

/// <summary>
/// Finds the real models, videos and datasets: <c>$VISIONTRACKER_DATA</c> first (CI sets it to <c>../shared</c>),
/// then the repository's own <c>models/</c> and <c>videos/</c> folders, where users put or pull files, then the same
/// folders below the working directory (an installed tool has no repository).
/// </summary>
public static class DataPaths
{
    /// <summary>The environment variable that points at a data root holding models/, videos/ and datasets/.</summary>
    public const string EnvironmentVariable = "VISIONTRACKER_DATA";

    /// <summary>The data root from <c>$VISIONTRACKER_DATA</c>, or null when unset.</summary>
    public static string? DataRoot
    {
        get
        {
            string? v = Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrWhiteSpace(v) ? null : Path.GetFullPath(v);
        }
    }

    /// <summary>The repository (or install) root: the nearest folder above the working directory or the binaries holding models/models.json.</summary>
    public static string? RepoRoot => FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory);

    /// <summary>Candidate folders for a kind of data (<c>models</c>, <c>videos</c>, <c>datasets</c>), most preferred first.</summary>
    public static IEnumerable<string> SearchFolders(string kind)
    {
        if (DataRoot is { } data)
        {
            yield return Path.Combine(data, kind);
        }

        string? repoFolder = RepoRoot is { } repo ? Path.Combine(repo, kind) : null;
        if (repoFolder is not null)
        {
            yield return repoFolder;
        }

        // An installed vtrack has no repository: ./models (where `vtrack models pull` saves) is searched too.
        string here = Path.GetFullPath(kind);
        if (!string.Equals(here, repoFolder, StringComparison.Ordinal) && !string.Equals(here, DataRoot is { } d ? Path.Combine(d, kind) : null, StringComparison.Ordinal))
        {
            yield return here;
        }
    }

    /// <summary>Finds <paramref name="fileName"/> in the folders for <paramref name="kind"/>; null when absent.</summary>
    public static string? Find(string kind, string fileName) =>
        SearchFolders(kind).Select(d => Path.Combine(d, fileName)).FirstOrDefault(p => File.Exists(p) || Directory.Exists(p));

    private static string? FindUp(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "models", "models.json")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
