using OpenCvSharp;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;
using FrameSource = VisionTracker.Video.FrameSource;

namespace VisionTracker.Tests.Video;

public class MotSequenceSourceTests
{
    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Read_TudCampus_Is71Frames640x480At25Fps()
    {
        var warnings = new List<string>();
        using var src = FrameSource.Open(TestData.Dataset("TUD-Campus"), new FrameSourceOptions { Warn = warnings.Add });
        Assert.IsType<MotSequenceSource>(src);
        Assert.Equal(FrameSourceKind.ImageSequence, src.Info.Kind);
        Assert.Equal("TUD-Campus", src.Info.Name);
        Assert.Equal(71, src.Info.FrameCount);
        long n = 0;
        double last = -1;
        while (src.Read() is { } f)
        {
            using (f)
            {
                Assert.Equal(n, f.Index);
                Assert.Equal((640, 480), (f.Width, f.Height));
                Assert.Equal(n / 25.0, f.TimestampSeconds, 9);
                Assert.True(f.TimestampSeconds > last);
                last = f.TimestampSeconds;
                n++;
            }
        }

        Assert.Equal(71, n);
        Assert.Empty(warnings);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Open_Mot17MiniSequence_WarnsOnceAndTrustsTheImagesOnDisk()
    {
        string seq = TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-02-FRCNN"));
        int onDisk = Directory.GetFiles(Path.Combine(seq, "img1"), "*.jpg").Length;
        var warnings = new List<string>();
        using var src = FrameSource.Open(seq, new FrameSourceOptions { Warn = warnings.Add });
        string warning = Assert.Single(warnings);
        Assert.Contains("seqLength=600", warning, StringComparison.Ordinal);
        Assert.Contains($"{onDisk} images", warning, StringComparison.Ordinal);
        Assert.Equal(onDisk, src.Info.FrameCount);
        Assert.Equal(30, src.Info.Fps);
        int n = 0;
        while (src.Read() is { } f)
        {
            f.Dispose();
            n++;
        }

        Assert.Equal(onDisk, n);
    }

    [Fact]
    public void Read_ImagesNamedWithoutPadding_AreInNumericOrder()
    {
        using var dir = TestData.TempDir();
        // Written in the order 1, 2, 10: image i has red = 40 * (i + 1).
        VideoFixtures.WriteSequence(dir.Path, ["1.png", "2.png", "10.png"], "[Sequence]\nname=tiny\nframeRate=10\nimExt=.png\n");
        using var src = new MotSequenceSource(dir.Path, FrameSourceOptions.Default);
        var reds = new List<double>();
        while (src.Read() is { } f)
        {
            using (f)
            {
                reds.Add(f.Image.Mean().Val2);
            }
        }

        Assert.Equal(3, reds.Count);
        Assert.True(reds[0] < reds[1] && reds[1] < reds[2], string.Join(",", reds));
        Assert.Equal(["1.png", "2.png", "10.png"], src.Files.Select(Path.GetFileName));
    }

    [Fact]
    public void Open_SeqInfoDisagreesWithDisk_WarnsAboutLengthAndSizeAndUsesTheDisk()
    {
        using var dir = TestData.TempDir();
        VideoFixtures.WriteSequence(dir.Path, ["000001.jpg", "000002.jpg", "000003.jpg"], "[Sequence]\nname=synthetic\nimDir=img1\nframeRate=5\nseqLength=10\nimWidth=640\nimHeight=480\nimExt=.jpg\n");
        var warnings = new List<string>();
        using var src = new MotSequenceSource(dir.Path, new FrameSourceOptions { Warn = warnings.Add });
        string w = Assert.Single(warnings);
        Assert.Contains("seqLength=10", w, StringComparison.Ordinal);
        Assert.Contains("3 images", w, StringComparison.Ordinal);
        Assert.Contains("32x24", w, StringComparison.Ordinal);
        Assert.Equal((32, 24, 3L), (src.Info.Width, src.Info.Height, src.Info.FrameCount!.Value));
        Assert.Equal(5, src.Info.Fps);
    }

    [Fact]
    public void Read_WithStartEndAndStride_KeepsSourceIndices()
    {
        using var dir = TestData.TempDir();
        VideoFixtures.WriteSequence(dir.Path, Enumerable.Range(1, 6).Select(i => $"{i:000000}.jpg").ToArray(), null);
        using var src = new MotSequenceSource(dir.Path, new FrameSourceOptions { StartFrame = 1, EndFrame = 6, Stride = 2 });
        var got = new List<(long, double)>();
        while (src.Read() is { } f)
        {
            using (f)
            {
                got.Add((f.Index, f.TimestampSeconds));
            }
        }

        Assert.Equal(new[] { (1L, 1 / 25.0), (3L, 3 / 25.0), (5L, 5 / 25.0) }, got);
        Assert.Equal(3, src.Info.FrameCount);
    }

    [Fact]
    public void Open_EmptyImg1_ThrowsNamingTheFolder()
    {
        using var dir = TestData.TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "img1"));
        var ex = Assert.Throws<VisionTrackerException>(() => FrameSource.Open(dir.Path));
        Assert.Contains("img1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("no .jpg images", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CorruptImageInTheMiddle_ThrowsNamingTheFile()
    {
        using var dir = TestData.TempDir();
        VideoFixtures.WriteSequence(dir.Path, ["000001.jpg", "000002.jpg"], null);
        File.WriteAllText(Path.Combine(dir.Path, "img1", "000002.jpg"), "not a jpeg");
        using var src = new MotSequenceSource(dir.Path, FrameSourceOptions.Default);
        src.Read()!.Dispose();
        var ex = Assert.Throws<VisionTrackerException>(() => src.Read());
        Assert.Contains("000002.jpg", ex.Message, StringComparison.Ordinal);
    }
}
