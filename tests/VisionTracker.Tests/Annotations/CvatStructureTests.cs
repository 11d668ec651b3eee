using System.Xml.Linq;
using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Annotations;

public class CvatStructureTests
{
    [Fact]
    public void Write_TracksWithGapAndEnd_EmitsKeyframesOutsideMarkersAndLabels()
    {
        using var dir = TestData.TempDir();
        // Track 1: frames 1-2, gap at 3, frame 4 is the last frame of the video. Track 2: frames 2-3.
        var seq = new TrackSequence("demo", [
            new TrackRecord(1, 1, 10, 10, 20, 20, 0.9, 0),
            new TrackRecord(2, 1, 12, 10, 20, 20, 0.9, 0),
            new TrackRecord(4, 1, 16, 10, 20, 20, 0.9, 0),
            new TrackRecord(2, 2, 50, 50, 10, 30, 0.8, 39),
            new TrackRecord(3, 2, 52, 50, 10, 30, 0.8, 39),
        ])
        { Width = 320, Height = 240, FrameCount = 4, ClassNames = { [0] = "person", [39] = "bottle" } };
        CvatVideoFormat.Write(dir.File("t.xml"), seq);

        var doc = XDocument.Load(dir.File("t.xml"));
        var root = doc.Root!;
        Assert.Equal("annotations", root.Name.LocalName);
        Assert.Equal("1.1", root.Element("version")!.Value);
        var task = root.Element("meta")!.Element("task")!;
        Assert.Equal("4", task.Element("size")!.Value);
        Assert.Equal("interpolation", task.Element("mode")!.Value);
        Assert.Equal("0", task.Element("overlap")!.Value);
        Assert.Equal(["person", "bottle"], task.Element("labels")!.Elements("label").Select(l => l.Element("name")!.Value).ToArray());
        Assert.Equal("320", task.Element("original_size")!.Element("width")!.Value);
        Assert.Equal("240", task.Element("original_size")!.Element("height")!.Value);

        var tracks = root.Elements("track").ToList();
        Assert.Equal(["0", "1"], tracks.Select(t => t.Attribute("id")!.Value).ToArray());
        Assert.Equal(["person", "bottle"], tracks.Select(t => t.Attribute("label")!.Value).ToArray());
        Assert.All(tracks, t => Assert.Equal("auto", t.Attribute("source")!.Value));

        string Boxes(XElement t) => string.Join(" ", t.Elements("box").Select(b => $"{b.Attribute("frame")!.Value}:{b.Attribute("outside")!.Value}{b.Attribute("keyframe")!.Value}"));
        // 0-based frames; gap at frame index 2 closed by an outside box; no outside box past the last frame (index 3).
        Assert.Equal("0:01 1:01 2:11 3:01", Boxes(tracks[0]));
        Assert.Equal("1:01 2:01 3:11", Boxes(tracks[1]));
        var first = tracks[0].Elements("box").First();
        Assert.Equal(("10", "10", "30", "30", "0", "0"), (first.Attribute("xtl")!.Value, first.Attribute("ytl")!.Value, first.Attribute("xbr")!.Value, first.Attribute("ybr")!.Value, first.Attribute("occluded")!.Value, first.Attribute("z_order")!.Value));

        var back = CvatVideoFormat.Read(dir.File("t.xml"));
        Assert.Equal(seq.Rows.Select(r => (r.Frame, r.Id, r.Left)), back.Rows.Select(r => (r.Frame, r.Id, r.Left)));
        Assert.Equal(["person", "person", "bottle", "bottle", "person"], back.Rows.Select(r => back.ClassName(r.ClassId)).ToArray());
    }
}
