using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Architecture;

/// <summary>Tracking, Shelf, Annotations, Evaluation and Geometry stay plain C#: no OpenCV, no ONNX Runtime.</summary>
public class LayeringTests
{
    [Theory]
    [InlineData("Geometry")]
    [InlineData("Tracking")]
    [InlineData("Shelf")]
    [InlineData("Annotations")]
    [InlineData("Evaluation")]
    public void PureNamespace_ReferencesNeitherOpenCvNorOnnxRuntime(string folder)
    {
        string dir = Path.Combine(TestData.RepoRoot, "src", "VisionTracker", folder);
        Assert.True(Directory.Exists(dir), $"{dir} is missing");
        var offenders = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f) is var s && (s.Contains("OpenCvSharp", StringComparison.Ordinal) || s.Contains("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offenders);
    }

    [Fact]
    public void PureNamespaces_DoNotExposeOpenCvOrOrtTypes()
    {
        var pure = new[] { "VisionTracker.Geometry", "VisionTracker.Tracking", "VisionTracker.Shelf", "VisionTracker.Annotations", "VisionTracker.Evaluation" };
        var types = typeof(VisionTracker.Detection.Detections).Assembly.GetTypes().Where(t => pure.Any(p => t.Namespace?.StartsWith(p, StringComparison.Ordinal) == true));
        var bad = new List<string>();
        foreach (var t in types)
        {
            foreach (var m in t.GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
            {
                string sig = m.ToString() ?? string.Empty;
                if (sig.Contains("OpenCvSharp", StringComparison.Ordinal) || sig.Contains("OnnxRuntime", StringComparison.Ordinal))
                {
                    bad.Add($"{t.FullName}.{m.Name}");
                }
            }
        }

        Assert.Empty(bad);
    }
}
