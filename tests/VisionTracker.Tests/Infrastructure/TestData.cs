using VisionTracker.Data;

namespace VisionTracker.Tests.Infrastructure;

/// <summary>
/// Locates the real data (models, videos, datasets) for tests: <c>$VISIONTRACKER_DATA</c>, else <c>../shared</c>
/// beside the repository. A missing file fails the test with its name; it is never skipped silently.
/// </summary>
internal static class TestData
{
    /// <summary>The data root.</summary>
    public static string Root
    {
        get
        {
            if (DataPaths.DataRoot is { } env)
            {
                return env;
            }

            string repo = DataPaths.RepoRoot ?? throw new InvalidOperationException("Cannot find the repository root (models/models.json).");
            return Path.GetFullPath(Path.Combine(repo, "..", "shared"));
        }
    }

    /// <summary>Absolute path of <paramref name="relative"/> under the data root; fails when missing.</summary>
    public static string Path_(string relative)
    {
        string p = Path.Combine(Root, relative);
        if (!File.Exists(p) && !Directory.Exists(p))
        {
            throw new FileNotFoundException($"Test data missing: {p}. Set VISIONTRACKER_DATA to the shared data folder (CI uses ../shared).", p);
        }

        return p;
    }

    public static string Model(string file) => Path_(Path.Combine("models", file));

    public static string Video(string file) => Path_(Path.Combine("videos", file));

    public static string Dataset(string relative) => Path_(Path.Combine("datasets", relative));

    public static string Femto => Model("deimv2_hgnetv2_femto_coco.onnx");

    public static string Atto => Model("deimv2_hgnetv2_atto_coco.onnx");

    public static string RepoRoot => DataPaths.RepoRoot ?? throw new InvalidOperationException("Cannot find the repository root.");

    /// <summary>A fresh temporary folder for one test, removed by the caller's <c>using</c>.</summary>
    public static TempDir TempDir() => new();
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vtrack-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
