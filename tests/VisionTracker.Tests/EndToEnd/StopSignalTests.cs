using System.Globalization;
using System.Text.RegularExpressions;
using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Tests.EndToEnd;

/// <summary>
/// Every way a run can be stopped leaves complete files: the built CLI runs as a real child process and gets a real
/// SIGINT, SIGTERM or SIGKILL (kill(1)), or has its standard input closed, in the middle of <c>vtrack track</c> and
/// <c>vtrack live</c>.
/// </summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public partial class StopSignalTests(ITestOutputHelper output)
{
    // Twenty passes of the aisle clip (1340 frames): shoppers are in view from the first frame, so a run stopped
    // after 30 frames already has tracks and dwell events to export.
    private const string Stem = "store-aisle";
    private const int Passes = 20;
    private const string LongClip = "one-by-one-person-detection.mp4";
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Exit = TimeSpan.FromSeconds(90);
    private static readonly string[] FinalSuffixes = [".mot.txt", ".cvat.xml", ".coco.json", ".events.jsonl", ".annotated.mp4"];

    /// <summary>SIGINT, SIGTERM and (with --stop-on-stdin-eof) a closed stdin mid-run: exit 130, every export complete and agreeing.</summary>
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("STDIN")]
    public void Track_StoppedMidRun_EveryExportIsComplete(string how)
    {
        using var dir = TestData.TempDir();
        string outDir = dir.File("run");
        using var child = new CliChild(null, TrackArgs(outDir, how == "STDIN" ? ["--stop-on-stdin-eof"] : []));
        child.WaitUntil(() => child.ProgressFrames >= 30, "30 frames done (a progress line)", Startup);
        if (how == "STDIN")
        {
            child.CloseStdin();
        }
        else
        {
            child.Signal(how);
        }

        int code = child.WaitForExit(Exit);
        output.WriteLine(child.StdOut);
        Assert.True(code == 130, $"exit code {code}, expected 130 (cancelled).\n{child.StdErr}");
        Assert.Contains("cancelled: outputs flushed", child.StdOut, StringComparison.Ordinal);
        long frames = SummaryFrames(child.StdOut);
        Assert.True(frames >= 30 && frames < 67 * Passes, $"stopped after {frames} frames");
        AssertCompleteRun(outDir, frames);
    }

    /// <summary>Without --stop-on-stdin-eof a closed stdin means nothing: the run goes on to its end.</summary>
    [Fact]
    public void Track_StdinClosedWithoutTheOption_RunsToTheEnd()
    {
        using var dir = TestData.TempDir();
        string outDir = dir.File("run");
        using var child = new CliChild(null, TrackArgs(outDir, ["--frames", "40"]));
        child.CloseStdin();
        int code = child.WaitForExit(Startup);
        Assert.True(code == 0, $"exit code {code}.\n{child.StdErr}");
        Assert.Equal(40, SummaryFrames(child.StdOut));
        AssertCompleteRun(outDir, 40);
    }

    /// <summary>
    /// SIGKILL mid-run over a folder that holds a complete earlier run (--force): the whole-file exports and the MP4
    /// under their final names are still the earlier, complete files; the new video is left as *.partial.mp4.
    /// </summary>
    [Fact]
    public void Track_KilledMidRun_LeavesThePreviousCompleteFilesAndANamedPartial()
    {
        using var dir = TestData.TempDir();
        string outDir = dir.File("run");
        using (var first = new CliChild(null, TrackArgs(outDir, ["--frames", "20"])))
        {
            Assert.Equal(0, first.WaitForExit(Startup));
        }

        var before = FinalSuffixes.Where(s => s != ".events.jsonl").ToDictionary(s => s, s => File.ReadAllBytes(Path.Combine(outDir, Stem + s)), StringComparer.Ordinal);
        using var child = new CliChild(null, TrackArgs(outDir, ["--force"]));
        string partial = Path.Combine(outDir, Stem + ".annotated.partial.mp4");
        child.WaitUntil(() => child.ProgressFrames >= 30 && File.Exists(partial), "30 frames done and the partial MP4 started", Startup);
        child.Signal("KILL");
        child.WaitForExit(Exit);

        foreach (var (suffix, bytes) in before)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, Stem + suffix))), $"{suffix} under its final name changed after SIGKILL");
        }

        Assert.Equal(("h264", 20), (CliChild.Probe(Path.Combine(outDir, Stem + ".annotated.mp4")).Codec, CliChild.Probe(Path.Combine(outDir, Stem + ".annotated.mp4")).Frames));
        Assert.True(File.Exists(partial), "the interrupted video is not left under a partial name");
        CliChild.AssertJsonLines(Path.Combine(outDir, Stem + ".events.jsonl"));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    /// <summary>SIGINT, SIGTERM and (with --stop-on-stdin-eof) a closed stdin stop <c>vtrack live</c> cleanly: exit 0, events file whole.</summary>
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("STDIN")]
    public void Live_Stopped_ExitsCleanlyWithACompleteEventsFile(string how)
    {
        using var dir = TestData.TempDir();
        string events = dir.File("events.jsonl");
        string[] args = ["live", TestData.Video(LongClip), "--realtime", "--model", TestData.Atto, "--zones", ZonesFile(dir), "--events", events, "--http", "127.0.0.1:0", .. how == "STDIN" ? new[] { "--stop-on-stdin-eof" } : []];
        using var child = new CliChild(null, args);
        child.WaitUntil(() => child.StdOut.Contains("dashboard:", StringComparison.Ordinal), "the dashboard line", Startup);
        Thread.Sleep(TimeSpan.FromSeconds(4));
        Assert.False(child.HasExited, "vtrack live ended before it was stopped");
        if (how == "STDIN")
        {
            child.CloseStdin();
        }
        else
        {
            child.Signal(how);
        }

        int code = child.WaitForExit(Exit);
        output.WriteLine(child.StdOut + child.StdErr);
        Assert.True(code is 0 or 130, $"exit code {code}.\n{child.StdErr}");
        int lines = CliChild.AssertJsonLines(events);
        output.WriteLine($"{lines} event line(s)");
    }

    private static string[] TrackArgs(string outDir, string[] extra) =>
        ["track", TestData.Video(Stem + ".mp4"), "--loop", Passes.ToString(CultureInfo.InvariantCulture), "--model", TestData.Atto, "--zones", Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json"), "--out", outDir, .. extra];

    private static string ZonesFile(TempDir dir)
    {
        string path = dir.File("zones.json");
        File.Copy(Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json"), path);
        return path;
    }

    private static long SummaryFrames(string stdout)
    {
        Match m = SummaryFramesRow().Match(stdout);
        Assert.True(m.Success, $"no frames row in the summary:\n{stdout}");
        return long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Every export is there under its final name, parses, and covers the frames the summary reports.</summary>
    private static void AssertCompleteRun(string outDir, long frames)
    {
        string F(string suffix) => Path.Combine(outDir, Stem + suffix);
        foreach (string s in FinalSuffixes)
        {
            Assert.True(File.Exists(F(s)), $"{s} missing");
        }

        TrackSequence mot = MotChallengeFormat.Read(F(".mot.txt"));
        TrackSequence cvat = CvatVideoFormat.Read(F(".cvat.xml"));
        TrackSequence coco = CocoVideoFormat.Read(F(".coco.json"));
        Assert.NotEmpty(mot.Rows);
        static Dictionary<int, int> BoxesPerTrack(TrackSequence s) => s.Rows.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(BoxesPerTrack(mot), BoxesPerTrack(cvat));
        Assert.Equal(BoxesPerTrack(mot), BoxesPerTrack(coco));
        Assert.True(mot.Rows.Max(r => r.Frame) <= frames, "MOT has frames past the summary's count");
        CliChild.AssertJsonLines(F(".events.jsonl"));
        var (codec, pix, n) = CliChild.Probe(F(".annotated.mp4"));
        Assert.Equal(("h264", "yuv420p", frames), (codec, pix, (long)n));
        Assert.Empty(Directory.GetFiles(outDir, "*.partial.*"));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp"));
    }

    [GeneratedRegex(@"frames\s*│\s*(\d+)")]
    private static partial Regex SummaryFramesRow();
}
