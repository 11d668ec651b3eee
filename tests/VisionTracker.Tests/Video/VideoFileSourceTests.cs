using System.Globalization;
using System.Text.RegularExpressions;
using OpenCvSharp;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Tests.Video;

public partial class VideoFileSourceTests
{
    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Read_BottleVideo_YieldsEveryFrameWithStrictlyIncreasingTimestamps()
    {
        using var src = FrameSource.Open(TestData.Video("bottle-detection.mp4"));
        Assert.IsType<VideoFileSource>(src);
        long n = 0;
        double last = double.NegativeInfinity;
        while (src.Read() is { } f)
        {
            using (f)
            {
                Assert.Equal(n, f.Index);
                Assert.True(f.TimestampSeconds > last, $"timestamp {f.TimestampSeconds} at frame {f.Index} is not after {last}");
                Assert.Equal(f.Index / src.Info.Fps, f.TimestampSeconds, 9);
                Assert.Equal((640, 360), (f.Width, f.Height));
                last = f.TimestampSeconds;
                n++;
            }
        }

        Assert.Equal(1189, n);
        Assert.Equal(1189, src.Info.FrameCount);
        Assert.Equal(29.83, src.Info.Fps, 2);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Read_WithRangeAndStride_ReturnsTheSameImagesAsAFullRead()
    {
        string path = TestData.Video("store-aisle.mp4");
        var all = new List<Mat>();
        using (var full = FrameSource.Open(path))
        {
            while (full.Read() is { } f)
            {
                all.Add(f.Image.Clone());
                f.Dispose();
            }
        }

        var options = new FrameSourceOptions { StartFrame = 5, EndFrame = 40, Stride = 4 };
        using var src = FrameSource.Open(path, options);
        Assert.Equal(9, src.Info.FrameCount);
        var indices = new List<long>();
        while (src.Read() is { } f)
        {
            using (f)
            {
                indices.Add(f.Index);
                Assert.Equal(0, Cv2.Norm(f.Image, all[(int)f.Index], NormTypes.L1));
            }
        }

        Assert.Equal(new long[] { 5, 9, 13, 17, 21, 25, 29, 33, 37 }, indices);
        foreach (var m in all)
        {
            m.Dispose();
        }
    }

    [Fact]
    public void Read_TruncatedAvi_ThrowsAtTheEndNamingTheFrameWhereItStopped()
    {
        using var dir = TestData.TempDir();
        string whole = VideoFixtures.WriteAvi(dir.File("whole.avi"), 50);
        string cut = VideoFixtures.Truncate(whole, dir.File("cut.avi"), 0.5);

        using (var ok = new VideoFileSource(whole))
        {
            int n = 0;
            while (ok.Read() is { } f)
            {
                f.Dispose();
                n++;
            }

            Assert.Equal(50, n);
        }

        using var src = new VideoFileSource(cut);
        Assert.Equal(50, src.HeaderFrameCount);
        long read = 0;
        var ex = Assert.Throws<VisionTrackerException>(() =>
        {
            while (src.Read() is { } f)
            {
                f.Dispose();
                read++;
            }
        });
        Match m = TruncatedMessage().Match(ex.Message);
        Assert.True(m.Success, ex.Message);
        Assert.Equal(read, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal("50", m.Groups[2].Value);
        Assert.InRange(read, 1, 49);
        Assert.Contains("cut.avi", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedAviWithFrameCountCheckOff_EndsQuietly()
    {
        using var dir = TestData.TempDir();
        string cut = VideoFixtures.Truncate(VideoFixtures.WriteAvi(dir.File("whole.avi"), 50), dir.File("cut.avi"), 0.5);
        using var src = new VideoFileSource(cut, new FrameSourceOptions { VerifyFrameCount = false });
        int n = 0;
        while (src.Read() is { } f)
        {
            f.Dispose();
            n++;
        }

        Assert.InRange(n, 1, 49);
        Assert.Null(src.Read());
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Open_Mp4CutShort_FailsAsNotAVideoOrTruncated()
    {
        // An MP4 with its index (moov) at the end loses it when cut: FFMPEG refuses to open it at all.
        using var dir = TestData.TempDir();
        string cut = VideoFixtures.Truncate(TestData.Video("bottle-detection.mp4"), dir.File("bottle-40.mp4"), 0.4);
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(cut));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bottle-40.mp4", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("text")]
    [InlineData("empty")]
    public void Open_FileThatIsNotAVideo_ThrowsClearError(string kind)
    {
        using var dir = TestData.TempDir();
        string path = dir.File("clip.mp4");
        switch (kind)
        {
            case "random":
                var bytes = new byte[8192];
                new Random(7).NextBytes(bytes);
                File.WriteAllBytes(path, bytes);
                break;
            case "text":
                File.WriteAllText(path, "this is a text file, not a video\n");
                break;
            default:
                File.WriteAllBytes(path, []);
                break;
        }

        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [GeneratedRegex(@"truncated at frame (\d+) of (\d+)")]
    private static partial Regex TruncatedMessage();
}
