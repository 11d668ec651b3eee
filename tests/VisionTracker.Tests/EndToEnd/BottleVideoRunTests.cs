using System.Globalization;
using System.Text.Json;
using OpenCvSharp;
using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tests.Shelf;
using Xunit.Abstractions;

namespace VisionTracker.Tests.EndToEnd;

/// <summary>
/// Runs <c>vtrack track</c> once on the whole bottle video with the default model and the sample zones, then checks
/// (issue 6) that every export exists, is complete and agrees with the others, and (issue 7) that the table zone's
/// count follows the timeline a person reads off the frames.
/// </summary>
public sealed class BottleVideoRunFixture : IAsyncLifetime
{
    internal TempDir Dir { get; } = TestData.TempDir();

    public string Out => Path.Combine(Dir.Path, "run");

    public int ExitCode { get; private set; }

    public string Stdout { get; private set; } = string.Empty;

    public string Stderr { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        string zones = Path.Combine(TestData.RepoRoot, "samples", "zones", "bottle-detection.json");
        (ExitCode, Stdout, Stderr) = await CliRunner.RunAsync("track", TestData.Video(BottleTimeline.VideoFile), "--zones", zones, "--classes", "bottle", "--out", Out);
    }

    public Task DisposeAsync()
    {
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public class BottleVideoRunTests(BottleVideoRunFixture run, ITestOutputHelper output) : IClassFixture<BottleVideoRunFixture>
{
    private const int Frames = 1189;

    private string File_(string ext) => Path.Combine(run.Out, "bottle-detection" + ext);

    [Fact]
    public void Summary_HasNoEmptyRows()
    {
        // Issue 16: the table opened with an empty header row. Every rendered row must hold text, the first being "source".
        string[] lines = run.Stdout.Split('\n');
        int title = Array.FindIndex(lines, l => l.Contains("run summary", StringComparison.Ordinal));
        Assert.True(title >= 0, run.Stdout);
        var rows = lines.Skip(title + 1).Select(l => l.Trim()).TakeWhile(l => l.Length > 0 && !l.StartsWith("outputs in", StringComparison.Ordinal)).Where(l => l.StartsWith('│') || l.StartsWith('|')).ToList();
        Assert.True(rows.Count >= 8, run.Stdout);
        Assert.All(rows, r => Assert.True(r.Any(char.IsLetterOrDigit), $"empty row in the summary:\n{run.Stdout}"));
        Assert.StartsWith("source", rows[0].TrimStart('│', '|', ' '), StringComparison.Ordinal);
    }

    [Fact]
    public void Track_WritesEveryExport_AndTheyAgree()
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("run summary", run.Stdout, StringComparison.Ordinal);
        var mot = MotChallengeFormat.Read(File_(".mot.txt"));
        var cvat = CvatVideoFormat.Read(File_(".cvat.xml"));
        var coco = CocoVideoFormat.Read(File_(".coco.json"));
        Assert.True(mot.Rows.Count > 2000, $"expected thousands of bottle boxes, got {mot.Rows.Count}");

        static Dictionary<int, int> BoxesPerTrack(TrackSequence s) => s.Rows.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.Count());
        var motTracks = BoxesPerTrack(mot);
        Assert.Equal(motTracks, BoxesPerTrack(cvat));
        Assert.Equal(motTracks, BoxesPerTrack(coco));
        Assert.Equal(mot.Rows.Select(r => (r.Frame, r.Id)), cvat.Rows.OrderBy(r => r.Frame).ThenBy(r => r.Id).Select(r => (r.Frame, r.Id)).OrderBy(x => x));
        Assert.All(coco.Rows, r => Assert.Equal(39, r.ClassId));
        output.WriteLine($"tracks: {string.Join(", ", motTracks.OrderBy(kv => kv.Key).Select(kv => $"#{kv.Key}:{kv.Value}"))}");

        using var cap = new VideoCapture(File_(".annotated.mp4"));
        Assert.True(cap.IsOpened());
        Assert.Equal(640, cap.FrameWidth);
        Assert.Equal(360, cap.FrameHeight);
        Assert.Equal(Frames, cap.FrameCount);

        // The three bottles standing at the start keep one id each for the first 6 s (no hand in view before 5.8 s).
        var early = mot.Rows.Where(r => r.Frame <= 170).GroupBy(r => r.Id).Where(g => g.Count() > 100).ToList();
        Assert.Equal(3, early.Count);

        // Identity is stable: one id per bottle at the start, plus one per bottle put back (each was away for
        // longer than lost_seconds, so it is a new track). Hands gripping standing bottles do not break a track.
        int returns = BottleTimeline.Changes.Where(c => c.To > c.From).Sum(c => c.To - c.From);
        Assert.Equal(BottleTimeline.InitialCount + returns, motTracks.Count);
    }

    [Fact]
    public void TableZone_CountFollowsTheHandReadTimeline()
    {
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = File.ReadLines(File_(".events.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var events = lines.Select(e => (
            Zone: e.GetProperty("zone").GetString()!,
            Kind: e.GetProperty("event").GetString()!,
            Frame: e.GetProperty("frame").GetInt64(),
            Time: e.GetProperty("time").GetDouble(),
            ConfirmedFrame: e.GetProperty("confirmed_frame").GetInt64(),
            ConfirmedTime: e.GetProperty("confirmed_time").GetDouble(),
            ConfirmedAfter: e.GetProperty("confirmed_after").GetDouble(),
            Count: e.GetProperty("count").GetInt32())).ToList();
        var changes = events.Where(e => e.Zone == "table" && e.Kind is "taken" or "returned").ToList();
        foreach (var c in changes)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{c.Time,7:0.00} s  {c.Kind,-8} count {c.Count}  confirmed at {c.ConfirmedTime:0.00} s (+{c.ConfirmedAfter:0.00})"));
        }

        // Reported count at each whole second, from the events (the run starts at the timeline's initial count):
        // by the time each change happened (time) and, as the monitor reported it before back-dating, by the time
        // it was confirmed (confirmed_time).
        int Agree(Func<(string Zone, string Kind, long Frame, double Time, long ConfirmedFrame, double ConfirmedTime, double ConfirmedAfter, int Count), double> at)
        {
            int agree = 0;
            for (int s = 0; s < BottleTimeline.PerSecond.Count; s++)
            {
                int reported = changes.Where(c => at(c) <= s).Select(c => c.Count).DefaultIfEmpty(BottleTimeline.InitialCount).Last();
                agree += reported == BottleTimeline.PerSecond[s] ? 1 : 0;
            }

            return agree;
        }

        int agreeDated = Agree(c => c.Time), agreeConfirmed = Agree(c => c.ConfirmedTime);
        double share = (double)agreeDated / BottleTimeline.PerSecond.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seconds agreeing with the timeline: {agreeDated}/{BottleTimeline.PerSecond.Count} ({share:P1}) by event time; {agreeConfirmed}/{BottleTimeline.PerSecond.Count} by confirmation time"));

        // Every change a person sees is reported, in the right direction, dated within 0.5 s of it.
        foreach (var ch in BottleTimeline.Changes)
        {
            string kind = ch.To < ch.From ? "taken" : "returned";
            int n = Math.Abs(ch.To - ch.From);
            var near = changes.Where(c => c.Kind == kind && Math.Abs(c.Time - ch.Seconds) <= 0.5).ToList();
            Assert.True(near.Count == n, $"{ch.Seconds} s ({ch.What}): expected {n} {kind} dated within 0.5 s, got {near.Count}");
            Assert.Equal(ch.To, near[^1].Count);
        }

        // Nothing else: no taken+returned pair from a hand passing in front of a bottle.
        Assert.Equal(BottleTimeline.Changes.Sum(c => Math.Abs(c.To - c.From)), changes.Count);
        Assert.True(share >= 0.95, $"only {share:P1} of seconds agree");

        // Lines come in confirmation order; each event is confirmed at or after its time; per zone and class the
        // times never go backwards, so replaying one zone's lines in file order gives its count.
        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            Assert.True(e.ConfirmedFrame >= e.Frame && e.ConfirmedTime >= e.Time, $"line {i + 1}: confirmed before it happened");
            Assert.Equal(e.ConfirmedTime - e.Time, e.ConfirmedAfter, 0.002);
            Assert.True(i == 0 || e.ConfirmedFrame >= events[i - 1].ConfirmedFrame, $"line {i + 1}: out of confirmation order");
        }

        foreach (var zone in events.GroupBy(e => e.Zone))
        {
            var times = zone.Select(e => e.Time).ToList();
            Assert.Equal(times.Order(), times);
        }

        Assert.Contains(changes, c => c.ConfirmedAfter > 0.4); // the debounce is still there
    }
}
