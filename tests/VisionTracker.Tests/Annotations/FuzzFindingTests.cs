using VisionTracker.Annotations;
using VisionTracker.Pipeline;
using VisionTracker.Shelf;

namespace VisionTracker.Tests.Annotations;

/// <summary>
/// Every input the fuzzers (tests/VisionTracker.Fuzz, scripts/fuzz.sh) found to break a reader, kept in FuzzFindings/
/// and named TARGET-what-broke.EXT. The rule the fuzzers enforce holds for each: the reader returns, or throws a
/// <see cref="VisionTrackerException"/> with a one-line message; nothing else escapes.
/// </summary>
public class FuzzFindingTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "FuzzFindings");

    public static TheoryData<string> Findings()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.EnumerateFiles(Folder).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal))
        {
            data.Add(f);
        }

        return data;
    }

    [Fact]
    public void FindingsAreThere()
    {
        Assert.True(Directory.EnumerateFiles(Folder).Count() >= 2, $"no fuzz findings copied to {Folder}");
    }

    [Theory]
    [MemberData(nameof(Findings))]
    public void Reader_FailsWithOneClearLine(string file)
    {
        string path = Path.Combine(Folder, file);
        Action read = file.Split('-')[0] switch
        {
            "mot" => () => MotChallengeFormat.Read(path),
            "det" => () => DetectionFile.Load(path),
            "cvat" => () => CvatVideoFormat.Read(path),
            "coco" => () => CocoVideoFormat.Read(path),
            "zones" => () => ZoneFile.Load(path, 640, 480),
            "seqinfo" => () => SeqInfo.Parse(path),
            "cameras" => () => CamerasFile.Load(path),
            _ => throw new InvalidOperationException($"{file}: name it TARGET-what-broke.EXT with a known target"),
        };

        var ex = Assert.Throws<VisionTrackerException>(read);
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain('\r', ex.Message);
        Assert.DoesNotContain('\0', ex.Message);
    }

    /// <summary>The same flaw as coco-invalid-utf8-in-video-name.json, reached in a zones file through a JSON escape.</summary>
    [Fact]
    public void Zones_LoneSurrogateEscape_IsAClearError()
    {
        string json = "{ \"zones\": [ { \"name\": \"a\\udc00b\", \"kind\": \"area\", \"polygon\": [[0,0],[10,0],[10,10]] } ] }";
        var ex = Assert.Throws<VisionTrackerException>(() => ZoneFile.Parse(json, "zones.json", 640, 480));
        Assert.Contains("not valid", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
