using OpenCvSharp;
using VisionTracker;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Video;

namespace VisionTracker.Tests.Annotations;

/// <summary>The annotated MP4 export (Video/AnnotatedVideoWriter): lives with the other exporters' tests.</summary>
[Trait("Category", Categories.RealData)]
public class AnnotatedVideoWriterTests
{
    // auto: H.264 through the system ffmpeg (scripts/setup.sh installs it); mp4v: OpenCV's own encoder (the official
    // OpenCvSharp Linux runtime's FFMPEG build has no H.264 encoder, so avc1 fails to open there).
    [Theory]
    [InlineData("auto")]
    [InlineData("mp4v")]
    public void Write_ThirtyRealFrames_ReopensWithSameCountAndSize(string fourcc)
    {
        using var dir = TestData.TempDir();
        string outPath = dir.File("annotated.mp4");
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        int w = src.Info.Width, h = src.Info.Height;
        Mat? lastInput = null;
        using (var writer = new AnnotatedVideoWriter(outPath, w, h, 15, fourcc))
        {
            for (int i = 0; i < 30; i++)
            {
                using var frame = src.Read() ?? throw new InvalidOperationException("clip too short");
                var dets = new Detections(
                    [new BoxF(10 + (3 * i), 20, 80 + (3 * i), 200), new BoxF(300 - (2 * i), 50, 360 - (2 * i), 150)],
                    [0.9f, 0.6f],
                    [0, 39],
                    trackIds: [1, 2]);
                using var before = frame.Image.Clone();
                writer.Write(frame.Image, dets);
                Assert.Equal(0, Cv2.Norm(before, frame.Image, NormTypes.L1)); // input frame is not drawn on
                if (i == 29)
                {
                    lastInput = frame.Image.Clone();
                }
            }

            Assert.Equal(30, writer.FramesWritten);
        }

        using var cap = new VideoCapture(outPath);
        Assert.True(cap.IsOpened());
        Assert.Equal(w, cap.FrameWidth);
        Assert.Equal(h, cap.FrameHeight);
        int n = 0;
        using var m = new Mat();
        using var last = new Mat();
        while (cap.Read(m) && !m.Empty())
        {
            m.CopyTo(last);
            n++;
        }

        Assert.Equal(30, n);
        // The last frame differs from the clean input where boxes were drawn, and matches it far from them.
        using (lastInput)
        {
            using var diff = new Mat();
            Cv2.Absdiff(last, lastInput!, diff);
            using var boxEdge = new Mat(diff, new Rect(10 + 87 - 2, 100, 5, 40));
            using var far = new Mat(diff, new Rect(w - 60, h - 40, 50, 30));
            Assert.True(Cv2.Mean(boxEdge).Val0 + Cv2.Mean(boxEdge).Val1 + Cv2.Mean(boxEdge).Val2 > 60, "box edge not drawn");
            Assert.True(Cv2.Mean(far).Val0 + Cv2.Mean(far).Val1 + Cv2.Mean(far).Val2 < 30, "untouched area changed too much");
        }
    }

    /// <summary>The default is H.264 that browsers play: libx264, yuv420p, the index (moov) before the data, every frame, and the final name only once complete.</summary>
    [Fact]
    public void Write_Default_IsBrowserPlayableH264WithEveryFrame()
    {
        Assert.True(VisionTracker.Video.FfmpegCliCapture.FfmpegPath is not null, "ffmpeg is not installed: run scripts/setup.sh");
        using var dir = TestData.TempDir();
        string outPath = dir.File("annotated.mp4");
        using var src = new VideoFileSource(TestData.Video("store-aisle.mp4"));
        using (var writer = new AnnotatedVideoWriter(outPath, src.Info.Width, src.Info.Height, src.Info.Fps))
        {
            Assert.StartsWith("H.264", writer.Encoder, StringComparison.Ordinal);
            for (int i = 0; i < 45; i++)
            {
                using var frame = src.Read() ?? throw new InvalidOperationException("clip too short");
                writer.Write(frame.Image, new Detections([new BoxF(10 + i, 20, 80 + i, 200)], [0.9f], [0], trackIds: [1]));
            }

            Assert.False(File.Exists(outPath), "the final name exists before the video is complete");
            Assert.True(File.Exists(dir.File("annotated.partial.mp4")));
        }

        Assert.False(File.Exists(dir.File("annotated.partial.mp4")));
        Assert.Equal(("h264", "yuv420p", 45), CliChild.Probe(outPath));
        List<string> boxes = CliChild.TopLevelBoxes(outPath);
        Assert.True(boxes.IndexOf("moov") is >= 0 and var moov && moov < boxes.IndexOf("mdat"), $"moov is not before mdat (no faststart): {string.Join(",", boxes)}");
    }

    [Fact]
    public void Write_WrongFrameSize_Throws()
    {
        using var dir = TestData.TempDir();
        using var writer = new AnnotatedVideoWriter(dir.File("x.mp4"), 64, 48, 10);
        using var small = new Mat(20, 20, MatType.CV_8UC3, Scalar.All(0));
        var ex = Assert.Throws<VisionTrackerException>(() => writer.Write(small, Detections.Empty));
        Assert.Contains("20x20", ex.Message, StringComparison.Ordinal);
    }
}
