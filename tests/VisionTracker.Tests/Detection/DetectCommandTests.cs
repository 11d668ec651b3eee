using System.Text.Json;
using VisionTracker.Cli;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Detection;

/// <summary><c>vtrack detect</c> and <c>vtrack inspect</c> end to end through the command tree.</summary>
public sealed class DetectCommandTests
{
    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task Detect_WritesOneJsonLinePerFrameWithNamesAndEmbeddingNorms()
    {
        using var dir = TestData.TempDir();
        string outFile = dir.File("dets.jsonl");

        int rc = await Program.BuildRoot().Parse(["detect", TestData.Video("bottle-detection.mp4"), "--model", TestData.Femto, "--conf", "0.4", "--classes", "bottle", "--frames", "3", "--out", outFile]).InvokeAsync();

        Assert.Equal(0, rc);
        string[] lines = File.ReadAllLines(outFile);
        Assert.Equal(3, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var root = doc.RootElement;
            Assert.Equal(i, root.GetProperty("frame").GetInt32());
            var dets = root.GetProperty("detections").EnumerateArray().ToArray();
            Assert.Equal(3, dets.Length);
            Assert.All(dets, d =>
            {
                Assert.Equal("bottle", d.GetProperty("name").GetString());
                Assert.Equal(4, d.GetProperty("box").GetArrayLength());
                Assert.True(d.GetProperty("score").GetDouble() >= 0.4);
                Assert.True(d.GetProperty("embedding_norm").GetDouble() > 0);
            });
        }
    }

    [Fact]
    public async Task Detect_UnknownClassName_ExitsBadInput()
    {
        using var dir = TestData.TempDir();
        string model = DetrDetectorLayoutTests.DetrGraph().Save(dir, "detr.onnx");
        var err = new StringWriter();
        var saved = Console.Error;
        Console.SetError(err);
        int rc;
        try
        {
            rc = await Program.BuildRoot().Parse(["detect", "any.mp4", "--model", model, "--classes", "bottel"]).InvokeAsync();
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.Equal(ExitCodes.BadInput, rc);
        Assert.Contains("Unknown class 'bottel'", err.ToString(), StringComparison.Ordinal);
        Assert.Contains("bottle", err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_NotOnnx_ExitsBadInput()
    {
        using var dir = TestData.TempDir();
        string path = dir.File("x.onnx");
        await File.WriteAllTextAsync(path, "not a model");
        var err = new StringWriter();
        var saved = Console.Error;
        Console.SetError(err);
        int rc;
        try
        {
            rc = await Program.BuildRoot().Parse(["models", "inspect", path]).InvokeAsync();
        }
        finally
        {
            Console.SetError(saved);
        }

        Assert.Equal(ExitCodes.BadInput, rc);
        Assert.Contains("not a loadable ONNX model", err.ToString(), StringComparison.Ordinal);
    }
}
