using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Tests.Annotations;

public class TrackSequenceBuilderTests
{
    [Fact]
    public void Build_TrackedDetections_GivesOneBasedRowsAndFrameCount()
    {
        var b = new TrackSequenceBuilder();
        b.Add(0, new Detections([new BoxF(0, 0, 10, 20), new BoxF(5, 5, 6, 6)], [0.9f, 0.5f], [0, 39], trackIds: [3, 0]));
        b.Add(1, Detections.Empty);
        b.Add(2, new Detections([new BoxF(1, 0, 11, 20)], [0.8f], [0], trackIds: [3]));
        var seq = b.Build("clip", 640, 360, 30, new Dictionary<int, string> { [0] = "person" });
        Assert.Equal([(1, 3), (3, 3)], seq.Rows.Select(r => (r.Frame, r.Id)).ToArray()); // id 0 (untracked) dropped
        Assert.Equal(3, seq.FrameCount);
        Assert.Equal((10.0, 20.0), (seq.Rows[0].Width, seq.Rows[0].Height));
        Assert.Equal("person", seq.ClassName(seq.Rows[0].ClassId));
    }
}
