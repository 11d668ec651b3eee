using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;
using VisionTracker.Monitor.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>
/// The dashboard in a real browser: Debian's headless Chromium driven by Playwright (never a downloaded browser).
/// The page must show a stream whose pixels change, a frame counter that rises and an event from the pipeline.
/// </summary>
[Trait("Category", Categories.RealData)]
[Collection(LiveMonitorCollection.Name)]
public sealed class DashboardBrowserTests(LiveMonitorFixture live, ITestOutputHelper output)
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    /// <summary>A small hash of the stream image's pixels, drawn through a canvas.</summary>
    private const string StreamHash = """
        (() => {
          const img = document.getElementById('stream');
          if (!img || img.naturalWidth === 0) return 0;
          const c = document.createElement('canvas'); c.width = 96; c.height = 54;
          const g = c.getContext('2d'); g.drawImage(img, 0, 0, 96, 54);
          const d = g.getImageData(0, 0, 96, 54).data;
          let h = 7; for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) | 0;
          return h;
        })()
        """;

    /// <summary>Where screenshots go: $VTRACK_ARTIFACTS, else TestResults/monitor in the repository (git-ignored).</summary>
    public static string ArtifactsFolder()
    {
        string dir = Environment.GetEnvironmentVariable("VTRACK_ARTIFACTS") is { Length: > 0 } env
            ? env
            : Path.Combine(TestData.RepoRoot, "TestResults", "monitor");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task Dashboard_ShowsAMovingStreamAndPipelineEvents()
    {
        Assert.True(File.Exists(Chromium), $"Chromium is missing at {Chromium}: run `bash scripts/setup.sh` (it installs Debian's chromium package), then rerun the tests.");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {what}");
        using IPlaywright pw = await Playwright.CreateAsync();
        Step("playwright driver up");
        await using IBrowser browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ChromiumArgs,
            Timeout = (float)Http.Bound.TotalMilliseconds,
        });
        Step("chromium launched");
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });
        page.SetDefaultTimeout((float)Http.Bound.TotalMilliseconds);
        var consoleErrors = new List<string>();
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                consoleErrors.Add($"{m.Text} ({m.Location})");
            }
        };

        IResponse? response = await page.GotoAsync(live.Server.Address.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.DOMContentLoaded });
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.Equal("VisionTracker live", await page.TitleAsync());
        Step("page loaded");

        // The stream image loads, then its pixels change.
        await page.WaitForFunctionAsync("() => document.getElementById('stream').naturalWidth > 0");
        Assert.Equal(live.SourceInfo.Width, await page.EvaluateAsync<int>("() => document.getElementById('stream').naturalWidth"));
        Step("stream image loaded");
        int first = await page.EvaluateAsync<int>(StreamHash);
        await page.WaitForFunctionAsync($"prev => {StreamHash} !== prev", first);

        Step("stream pixels changed");

        // The health counters poll /api/status: the frame count rises and the source is running.
        await page.WaitForFunctionAsync("() => Number(document.getElementById('frames').textContent) > 0");
        long frames = long.Parse(await page.TextContentAsync("#frames") ?? "0", CultureInfo.InvariantCulture);
        await page.WaitForFunctionAsync("prev => Number(document.getElementById('frames').textContent) > prev", frames);
        Assert.Equal("running", await page.TextContentAsync("#state"));

        Step("frame counter rose");

        // An event raised by the pipeline reaches the feed through /events.
        IElementHandle? item = await page.WaitForSelectorAsync("#events li");
        Assert.NotNull(item);
        Assert.Contains(nameof(TickEvent), await item.TextContentAsync(), StringComparison.Ordinal);

        Step("event in the feed");

        // Zone counts come from /api/zones.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#zones tr').length === 2");
        Assert.Contains("shelf-right", await page.TextContentAsync("#zones"), StringComparison.Ordinal);

        // Wait for a few more events so the screenshot shows a feed.
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#events li').length >= 3");
        string shot = Path.Combine(ArtifactsFolder(), "dashboard.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
        Step("screenshot " + shot);
        Assert.True(new FileInfo(shot).Length > 10_000, $"screenshot {shot} is suspiciously small");
        Assert.Empty(consoleErrors);
    }
}
