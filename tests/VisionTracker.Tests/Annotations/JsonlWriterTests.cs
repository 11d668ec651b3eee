using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Annotations;

public class JsonlWriterTests
{
    private sealed record Ev(string Kind, int FrameIndex, double TimestampSeconds);

    [Fact]
    public void Write_EachLineIsReadableWhileWriterIsOpen()
    {
        using var dir = TestData.TempDir();
        string p = dir.File("events.jsonl");
        using var w = new JsonlWriter(p);
        w.Write(new Ev("taken", 12, 0.4));
        Assert.Equal(["{\"kind\":\"taken\",\"frame_index\":12,\"timestamp_seconds\":0.4}"], ReadShared(p));
        w.Write(new Ev("returned", 30, 1.0));
        var back = JsonlWriter.ReadAll<Ev>(p).ToList();
        Assert.Equal([new Ev("taken", 12, 0.4), new Ev("returned", 30, 1.0)], back);
        Assert.Equal(2, w.Count);
    }

    [Fact]
    public void ReadAll_BadLine_NamesFileAndLine()
    {
        using var dir = TestData.TempDir();
        string p = dir.File("e.jsonl");
        File.WriteAllText(p, "{\"kind\":\"a\",\"frame_index\":1,\"timestamp_seconds\":0}\n{oops\n");
        var ex = Assert.Throws<VisionTrackerException>(() => JsonlWriter.ReadAll<Ev>(p).ToList());
        Assert.Contains(p + ":2:", ex.Message, StringComparison.Ordinal);
    }

    private static string[] ReadShared(string p)
    {
        using var fs = new FileStream(p, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(fs);
        return r.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
