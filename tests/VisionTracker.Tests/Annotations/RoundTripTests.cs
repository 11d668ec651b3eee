using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Annotations;

[Trait("Category", Categories.RealData)]
public class RoundTripTests
{
    private static TrackSequence TudGt() => MotChallengeFormat.Read(TestData.Dataset("TUD-Campus/gt/gt.txt"));

    private static void AssertSameTracks(TrackSequence expected, TrackSequence actual)
    {
        Assert.Equal(expected.Rows.Count, actual.Rows.Count);
        for (int i = 0; i < expected.Rows.Count; i++)
        {
            var e = expected.Rows[i];
            var a = actual.Rows[i];
            Assert.Equal((e.Frame, e.Id), (a.Frame, a.Id));
            Assert.Equal(e.Left, a.Left, 3);
            Assert.Equal(e.Top, a.Top, 3);
            Assert.Equal(e.Width, a.Width, 3);
            Assert.Equal(e.Height, a.Height, 3);
        }
    }

    [Fact]
    public void TudGt_Reads7ColumnsAndSeqInfo()
    {
        var gt = TudGt();
        Assert.Equal(7, gt.SourceColumns);
        Assert.Equal(359, gt.Rows.Count);
        Assert.Equal(8, gt.Tracks().Count);
        Assert.Equal((640, 480, 71), (gt.Width, gt.Height, gt.FrameCount));
        Assert.Equal(25, gt.Fps);
    }

    [Fact]
    public void Mot_ToCvat_ToMot_GivesSameTracks()
    {
        using var dir = TestData.TempDir();
        var gt = TudGt();
        CvatVideoFormat.Write(dir.File("a.xml"), gt);
        var back = CvatVideoFormat.Read(dir.File("a.xml"));
        MotChallengeFormat.Write(dir.File("b.txt"), back);
        var mot = MotChallengeFormat.Read(dir.File("b.txt"));
        AssertSameTracks(gt, back);
        AssertSameTracks(gt, mot);
        Assert.Equal((640, 480, 71), (back.Width, back.Height, back.FrameCount));
    }

    [Fact]
    public void Mot_ToCocoVideo_ToMot_GivesSameTracks()
    {
        using var dir = TestData.TempDir();
        var gt = TudGt();
        CocoVideoFormat.Write(dir.File("a.json"), gt);
        var back = CocoVideoFormat.Read(dir.File("a.json"));
        MotChallengeFormat.Write(dir.File("b.txt"), back);
        var mot = MotChallengeFormat.Read(dir.File("b.txt"));
        AssertSameTracks(gt, back);
        AssertSameTracks(gt, mot);
        Assert.Equal((640, 480, 71, 25.0), (back.Width, back.Height, back.FrameCount, back.Fps));
    }

    [Fact]
    public void Mot_WriteThenRead_KeepsScoresAndClass()
    {
        using var dir = TestData.TempDir();
        var seq = new TrackSequence("s", [new TrackRecord(2, 5, 1.25, 2.5, 10, 20, 0.75, 39), new TrackRecord(1, 5, 0, 0, 10, 20, 0.5, 39)]);
        MotChallengeFormat.Write(dir.File("r.txt"), seq, writeClass: true);
        string[] lines = File.ReadAllLines(dir.File("r.txt"));
        Assert.Equal(["1,5,0,0,10,20,0.5,39,-1,-1", "2,5,1.25,2.5,10,20,0.75,39,-1,-1"], lines);
        var back = MotChallengeFormat.Read(dir.File("r.txt"));
        Assert.Equal(10, back.SourceColumns);
        Assert.Equal(seq.Rows, back.Rows);
    }

    [Fact]
    public void AnnotationFiles_DetectsFormatByContentWithoutExtension()
    {
        using var dir = TestData.TempDir();
        var seq = new TrackSequence("s", [new TrackRecord(1, 1, 0, 0, 10, 20, 1, 0)]) { Width = 100, Height = 100, FrameCount = 3 };
        CvatVideoFormat.Write(dir.File("x.xml"), seq);
        CocoVideoFormat.Write(dir.File("y.json"), seq);
        File.Copy(dir.File("x.xml"), dir.File("x.ann"));
        File.Copy(dir.File("y.json"), dir.File("y.ann"));
        File.WriteAllText(dir.File("z.ann"), "1,1,0,0,10,20,1,-1,-1,-1\n");
        Assert.Equal(AnnotationFormat.Cvat, AnnotationFiles.Detect(dir.File("x.ann")));
        Assert.Equal(AnnotationFormat.CocoVideo, AnnotationFiles.Detect(dir.File("y.ann")));
        Assert.Equal(AnnotationFormat.Mot, AnnotationFiles.Detect(dir.File("z.ann")));
    }

    [Fact]
    public void WholeFileWriters_LeaveNoTempFileBehind()
    {
        using var dir = TestData.TempDir();
        var seq = new TrackSequence("s", [new TrackRecord(1, 1, 0, 0, 10, 20, 1, 0)]) { FrameCount = 2 };
        CvatVideoFormat.Write(dir.File("a.xml"), seq);
        CocoVideoFormat.Write(dir.File("a.json"), seq);
        CvatVideoFormat.Write(dir.File("a.xml"), seq);
        Assert.Equal(["a.json", "a.xml"], Directory.GetFiles(dir.Path).Select(f => Path.GetFileName(f)!).Order().ToArray());
    }

    [Fact]
    public void AtomicFile_WriteFailsMidway_KeepsPreviousFileAndNoTemp()
    {
        using var dir = TestData.TempDir();
        File.WriteAllText(dir.File("a.xml"), "previous");
        Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("a.xml"), s =>
        {
            s.Write("<annotations>"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("previous", File.ReadAllText(dir.File("a.xml")));
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
