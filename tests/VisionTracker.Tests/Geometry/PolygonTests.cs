using VisionTracker.Geometry;

namespace VisionTracker.Tests.Geometry;

public class PolygonTests
{
    private static Polygon P(params float[] xy)
    {
        var pts = new List<PointF>();
        for (int i = 0; i < xy.Length; i += 2)
        {
            pts.Add(new PointF(xy[i], xy[i + 1]));
        }

        return new Polygon(pts);
    }

    // 10x10 square, clockwise on screen.
    private static readonly Polygon Square = P(0, 0, 10, 0, 10, 10, 0, 10);

    // A "U": 0..30 wide, 0..20 tall, with a notch x 10..20, y 0..15 cut from the top.
    private static readonly Polygon U = P(0, 0, 10, 0, 10, 15, 20, 15, 20, 0, 30, 0, 30, 20, 0, 20);

    // Diamond with vertices on the axes of its centre (5,5): rays through vertices are the classic trap.
    private static readonly Polygon Diamond = P(5, 0, 10, 5, 5, 10, 0, 5);

    public static TheoryData<string, float, float, bool> ContainsCases => new()
    {
        { "square", 5, 5, true },        // interior
        { "square", 11, 5, false },      // right of it
        { "square", -0.01f, 5, false },  // just outside the left edge
        { "square", 0, 5, true },        // on the left edge
        { "square", 10, 5, true },       // on the right edge
        { "square", 5, 0, true },        // on the top edge
        { "square", 5, 10, true },       // on the bottom edge
        { "square", 0, 0, true },        // on a vertex
        { "square", 10, 10, true },      // on the opposite vertex
        { "square", 10.001f, 10, false }, // just past a vertex
        { "U", 5, 10, true },            // left arm
        { "U", 25, 10, true },           // right arm
        { "U", 15, 10, false },          // inside the notch (concave part)
        { "U", 15, 17, true },           // the bar under the notch
        { "U", 15, 15, true },           // on the notch's bottom edge
        { "U", 10, 5, true },            // on the notch's left edge
        { "U", -5, 10, false },          // ray crosses four edges: outside
        { "diamond", 5, 5, true },       // centre: the ray passes through vertex (10,5)
        { "diamond", 2, 5, true },       // ray through the right vertex
        { "diamond", -1, 5, false },     // level with two vertices, outside
        { "diamond", 11, 5, false },     // right of the right vertex
        { "diamond", -1, 0, false },     // level with the top vertex
        { "diamond", 5, 0, true },       // on the top vertex
        { "diamond", 2.5f, 2.5f, true }, // on an edge
        { "diamond", 1, 1, false },      // outside, near a corner of the bounding box
    };

    [Theory]
    [MemberData(nameof(ContainsCases))]
    public void Contains_CrossingNumberWithInclusiveEdges(string shape, float x, float y, bool expected)
    {
        var poly = shape switch
        {
            "square" => Square,
            "U" => U,
            _ => Diamond,
        };

        Assert.Equal(expected, poly.Contains(new PointF(x, y)));

        // The answer must not depend on winding order.
        var reversed = new Polygon(poly.Vertices.Reverse());
        Assert.Equal(expected, reversed.Contains(x, y));
    }

    [Fact]
    public void Contains_PointOnSlantedEdge_IsInside()
    {
        var tri = P(0, 0, 640, 360, 0, 360);
        Assert.True(tri.Contains(320, 180));   // on the hypotenuse
        Assert.True(tri.Contains(100, 56.25f));
        Assert.False(tri.Contains(100, 55f));  // 1.25 px above it
    }

    [Theory]
    [InlineData(3f, 3f, true)]   // on the segment
    [InlineData(10f, 10f, true)] // end vertex
    [InlineData(3f, 4f, false)]  // off the line
    [InlineData(12f, 12f, false)] // on the line, past the end
    public void Contains_DegenerateCollinearPolygon_HoldsOnlyItsSegment(float x, float y, bool expected)
    {
        var line = P(0, 0, 5, 5, 10, 10);
        Assert.True(line.IsDegenerate);
        Assert.Equal(0, line.Area, 9);
        Assert.Equal(expected, line.Contains(x, y));
    }

    [Fact]
    public void Contains_RepeatedVertex_DoesNotSwallowThePlane()
    {
        var poly = P(0, 0, 10, 0, 10, 0, 0, 10);
        Assert.False(poly.Contains(20, 20));
        Assert.True(poly.Contains(10, 0));
        Assert.True(poly.Contains(2, 2));
        Assert.False(poly.IsDegenerate);
    }

    public static TheoryData<string, double> AreaCases => new()
    {
        { "square", 100 },
        { "U", (30 * 20) - (10 * 15) },
        { "diamond", 50 },
    };

    [Theory]
    [MemberData(nameof(AreaCases))]
    public void Area_MatchesHandComputed_AndSignFlipsWithWinding(string shape, double expected)
    {
        var poly = shape switch
        {
            "square" => Square,
            "U" => U,
            _ => Diamond,
        };

        var reversed = new Polygon(poly.Vertices.Reverse());
        Assert.Equal(expected, poly.Area, 6);
        Assert.Equal(expected, reversed.Area, 6);
        Assert.Equal(-poly.SignedArea, reversed.SignedArea, 6);
        Assert.False(poly.IsDegenerate);
    }

    [Fact]
    public void Bounds_IsTheEnclosingBox()
    {
        Assert.Equal(new BoxF(0, 0, 30, 20), U.Bounds);
        Assert.Equal(new BoxF(0, 0, 10, 10), Diamond.Bounds);
    }

    [Fact]
    public void ToPixels_ScalesNormalisedCoordinates_AndRoundTrips()
    {
        var norm = P(0, 0, 1, 0, 1, 1, 0.25f, 0.5f);
        var px = norm.ToPixels(640, 360);
        Assert.Equal(new PointF(640, 0), px.Vertices[1]);
        Assert.Equal(new PointF(640, 360), px.Vertices[2]);
        Assert.Equal(new PointF(160, 180), px.Vertices[3]);
        Assert.Equal(new BoxF(0, 0, 640, 360), px.Bounds);
        Assert.True(px.Contains(320, 180) == norm.Contains(0.5f, 0.5f));

        var back = px.ToNormalized(640, 360);
        for (int i = 0; i < norm.Count; i++)
        {
            Assert.Equal(norm.Vertices[i].X, back.Vertices[i].X, 5);
            Assert.Equal(norm.Vertices[i].Y, back.Vertices[i].Y, 5);
        }
    }

    [Theory]
    [InlineData(0, 360)]
    [InlineData(640, -1)]
    public void ToPixels_NonPositiveFrame_Throws(int w, int h) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Square.ToPixels(w, h));

    [Fact]
    public void FromBox_IsTheBoxRectangle()
    {
        var p = Polygon.FromBox(new BoxF(10, 20, 30, 60));
        Assert.Equal(4, p.Count);
        Assert.Equal(800, p.Area, 6);
        Assert.True(p.Contains(10, 60));
        Assert.False(p.Contains(9, 60));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Constructor_FewerThanThreeVertices_Throws(int n)
    {
        var pts = Enumerable.Range(0, n).Select(i => new PointF(i, i));
        var ex = Assert.Throws<ArgumentException>(() => new Polygon(pts));
        Assert.Contains("at least 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NonFiniteVertex_Throws() =>
        Assert.Throws<ArgumentException>(() => P(0, 0, float.NaN, 0, 1, 1));
}
