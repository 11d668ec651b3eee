using System.Net;
using System.Net.Sockets;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;

namespace VisionTracker.Tests.Video;

public class FrameSourceTests
{
    [Fact]
    public void Open_MissingPath_ThrowsNamingThePathAndWhatToPass()
    {
        using var dir = TestData.TempDir();
        string missing = dir.File("no-such-clip.mp4");
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DirectoryThatIsNotAMotSequence_Throws()
    {
        using var dir = TestData.TempDir();
        File.WriteAllText(dir.File("readme.txt"), "hello");
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(dir.Path));
        Assert.Contains("not a MOT sequence", ex.Message, StringComparison.Ordinal);
        Assert.Contains("img1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderOfSequences_SuggestsOneOfThem()
    {
        using var dir = TestData.TempDir();
        VideoFixtures.WriteSequence(Path.Combine(dir.Path, "SEQ-01"), ["000001.jpg"], null);
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "SEQ-01"), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CameraIndexThatDoesNotOpen_ThrowsNamingTheCamera()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open("97", new FrameSourceOptions { OpenTimeout = TimeSpan.FromSeconds(2) }));
        Assert.Contains("Camera 97", ex.Message, StringComparison.Ordinal);
        Assert.Contains("/dev/video", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_RefusedLoopbackUrl_ThrowsNamingTheUrl()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open("http://127.0.0.1:9/none", new FrameSourceOptions { OpenTimeout = TimeSpan.FromSeconds(2) }));
        Assert.Contains("http://127.0.0.1:9/none", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Cannot open stream", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ServerThatAcceptsButNeverAnswers_TimesOutWithClearError()
    {
        // A loopback listener that accepts the connection and then says nothing: only the open timeout ends this.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    held.Add(await listener.AcceptTcpClientAsync(stop.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        string url = $"http://127.0.0.1:{port}/live.mjpg";
        var open = Task.Run(() => FrameSource.Open(url, new FrameSourceOptions { OpenTimeout = TimeSpan.FromSeconds(2), ReadTimeout = TimeSpan.FromSeconds(2) }));

        // Not a timing assert: a generous guard so a broken timeout fails the test instead of hanging the run.
        var finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(120)));
        Assert.True(finished == open, "opening a silent stream did not time out");
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => open);
        Assert.Contains(url, ex.Message, StringComparison.Ordinal);

        stop.Cancel();
        await accepting;
        listener.Stop();
        held.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData("rtsp://cam.local/stream", true)]
    [InlineData("HTTP://example.com/a.mjpg", true)]
    [InlineData("https://example.com/a.m3u8", true)]
    [InlineData("0", false)]
    [InlineData("videos/clip.mp4", false)]
    public void IsStreamUrl_RecognisesStreamSchemes(string spec, bool expected) => Assert.Equal(expected, FrameSource.IsStreamUrl(spec));

    [Fact]
    public void Redact_HidesCredentials()
    {
        Assert.Equal("rtsp://***@cam.local/s", StreamSource.Redact("rtsp://admin:secret@cam.local/s"));
        Assert.Equal("rtsp://cam.local/s", StreamSource.Redact("rtsp://cam.local/s"));
    }
}
