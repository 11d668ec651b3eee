using System.Globalization;
using System.Text.Json;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Tests.EndToEnd;

/// <summary>On the store-aisle clip, shoppers standing in the aisle area zone get dwell events with plausible durations.</summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public class StoreAisleDwellTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Track_StoreAisle_ReportsDwellsWithPlausibleDurations()
    {
        using var dir = TestData.TempDir();
        string zones = Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json");
        var (code, _, err) = await CliRunner.RunAsync("track", TestData.Video("store-aisle.mp4"), "--zones", zones, "--classes", "person", "--export", "events,mot", "--out", dir.Path);
        Assert.True(code == 0, err);

        var dwells = File.ReadLines(Path.Combine(dir.Path, "store-aisle.events.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("event").GetString() == "dwell")
            .Select(e => (Track: e.GetProperty("track_id").GetInt32(), Duration: e.GetProperty("duration").GetDouble(), Zone: e.GetProperty("zone").GetString()))
            .ToList();
        foreach (var d in dwells)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dwell: track #{d.Track} in {d.Zone} for {d.Duration:0.00} s"));
        }

        // Three shoppers are in the aisle for most of the 4.5 s clip; the zone's dwell threshold is 2 s.
        Assert.InRange(dwells.Count, 2, 4);
        Assert.All(dwells, d => Assert.Equal("aisle", d.Zone));
        Assert.All(dwells, d => Assert.InRange(d.Duration, 2.0, 4.5));
        Assert.Equal(dwells.Count, dwells.Select(d => d.Track).Distinct().Count());
    }
}
