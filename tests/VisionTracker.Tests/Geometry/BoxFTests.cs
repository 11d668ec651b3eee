using VisionTracker.Geometry;

namespace VisionTracker.Tests.Geometry;

public class BoxFTests
{
    public static TheoryData<BoxF, BoxF, float> IoUCases => new()
    {
        { new BoxF(0, 0, 10, 10), new BoxF(0, 0, 10, 10), 1f },        // identical
        { new BoxF(0, 0, 10, 10), new BoxF(5, 0, 15, 10), 50f / 150f }, // half overlap
        { new BoxF(0, 0, 10, 10), new BoxF(10, 0, 20, 10), 0f },        // touching edges
        { new BoxF(0, 0, 10, 10), new BoxF(20, 20, 30, 30), 0f },       // disjoint
        { new BoxF(0, 0, 0, 0), new BoxF(0, 0, 0, 0), 0f },             // degenerate
        { new BoxF(0, 0, 10, 10), new BoxF(2, 2, 8, 8), 36f / 100f },   // contained
    };

    [Theory]
    [MemberData(nameof(IoUCases))]
    public void IoU_KnownPairs_MatchesHandComputed(BoxF a, BoxF b, float expected)
    {
        Assert.Equal(expected, a.IoU(b), 5);
        Assert.Equal(expected, b.IoU(a), 5);
    }

    [Fact]
    public void GIoU_DisjointBoxes_IsNegative()
    {
        var a = new BoxF(0, 0, 10, 10);
        var b = new BoxF(20, 0, 30, 10);
        // enclosing 30x10=300, union 200 -> 0 - 100/300
        Assert.Equal(-1f / 3f, a.GIoU(b), 5);
    }

    [Fact]
    public void FromXywh_And_FromCxcywh_RoundTrip()
    {
        var b = BoxF.FromXywh(10, 20, 30, 40);
        Assert.Equal(new BoxF(10, 20, 40, 60), b);
        Assert.Equal(b, BoxF.FromCxcywh(b.CenterX, b.CenterY, b.Width, b.Height));
    }
}
