using VisionTracker.Geometry;
using VisionTracker.Shelf;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Shelf;

public class ZoneFileTests
{
    private const string Src = "test.json";

    private static string One(string zoneBody) => "{ \"zones\": [ { " + zoneBody + " } ] }";

    private const string Sq = "\"polygon\": [[10,10],[100,10],[100,100],[10,100]]";

    public static TheoryData<string, string, string?> ErrorCases => new()
    {
        // json, expected fragment, zone named in the message (null = file-level)
        { "{ \"zones\": [ { \"name\": \"a\", ", "not valid JSON at line 1", null },                           // truncated
        { "[1,2]", "top level must be an object", null },                                                      // wrong root
        { "{ \"areas\": [] }", "unknown property \"areas\"", null },                                           // typo at top level
        { "{ }", "no \"zones\" array", null },                                                                 // missing zones
        { "{ \"zones\": [] }", "\"zones\" array is empty", null },                                            // no zone
        { One(Sq + ", \"classes\": [\"bottle\"]"), "no \"name\"", "#1" },                                    // missing name
        { One("\"name\": \"t\", \"polygon\": [[0,0],[10,10]], \"classes\": [\"bottle\"]"), "has 2 point(s); a zone needs at least 3 points", "t" },
        { One("\"name\": \"t\", \"polygon\": [], \"classes\": [\"bottle\"]"), "has 0 point(s)", "t" },
        { One("\"name\": \"t\", \"classes\": [\"bottle\"]"), "no \"polygon\"", "t" },
        { One("\"name\": \"t\", \"polygon\": [[0,0],[10],[5,5]], \"classes\": [\"bottle\"]"), "point 2 is [10]", "t" },
        { One("\"name\": \"t\", " + Sq + ", \"classes\": [\"botle\"]"), "Unknown class 'botle'", "t" },    // unknown class
        { One("\"name\": \"t\", " + Sq + ", \"classes\": []"), "non-empty array", "t" },
        { One("\"name\": \"t\", " + Sq), "needs \"classes\"", "t" },                                         // shelf without classes
        { One("\"name\": \"t\", \"polygon\": [[500,300],[700,300],[700,400]], \"classes\": [\"bottle\"]"), "partly outside the 640x360 frame", "t" },
        { One("\"name\": \"t\", \"polygon\": [[700,400],[900,400],[900,500]], \"classes\": [\"bottle\"]"), "entirely outside the 640x360 frame", "t" },
        { One("\"name\": \"t\", \"polygon\": [[0,-5],[100,0],[100,100]], \"classes\": [\"bottle\"]"), "outside the 640x360 frame", "t" },
        { One("\"name\": \"t\", \"polygon\": [[0,0],[50,50],[100,100]], \"classes\": [\"bottle\"]"), "has no area", "t" }, // collinear
        { One("\"name\": \"t\", \"polygon\": [[0,0],[5,0],[5,1]], \"normalized\": true, \"classes\": [\"bottle\"]"), "outside 0-1", "t" },
        { One("\"name\": \"t\", " + Sq + ", \"normalized\": \"yes\", \"classes\": [\"bottle\"]"), "\"normalized\" is \"yes\"", "t" },
        { One("\"name\": \"t\", \"kind\": \"aisle\", " + Sq), "\"kind\" is \"aisle\"", "t" },              // unknown kind
        { One("\"name\": \"t\", " + Sq + ", \"classes\": [\"bottle\"], \"minStable\": 1"), "unknown property \"minStable\"", "t" },
        { One("\"name\": \"t\", " + Sq + ", \"classes\": [\"bottle\"], \"minStableSeconds\": -1"), "\"minStableSeconds\" is -1", "t" },
        { One("\"name\": \"t\", " + Sq + ", \"classes\": [\"bottle\"], \"holdSeconds\": \"1\""), "\"holdSeconds\" is \"1\"", "t" },
        { One("\"name\": \"t\", " + Sq + ", \"classes\": [\"bottle\"], \"dwellSeconds\": 3"), "area zones only", "t" },
        { One("\"name\": \"t\", \"kind\": \"area\", " + Sq + ", \"dwellSeconds\": 0"), "\"dwellSeconds\" is 0", "t" },
        { One("\"name\": \"t\", \"kind\": \"area\", " + Sq + ", \"dwellReport\": \"sometimes\""), "\"dwellReport\" is \"sometimes\"", "t" },
        { "{ \"zones\": [ { \"name\": \"Shelf\", " + Sq + ", \"classes\": [\"cup\"] }, { \"name\": \"shelf\", " + Sq + ", \"classes\": [\"cup\"] } ] }", "used by another zone", "shelf" }, // duplicate (case-insensitive)
    };

    [Theory]
    [MemberData(nameof(ErrorCases))]
    public void Parse_InvalidZones_ThrowsOneLineNamingFileZoneAndProblem(string json, string fragment, string? zone)
    {
        var ex = Assert.Throws<VisionTrackerException>(() => ZoneFile.Parse(json, Src, 640, 360));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Zones file '{Src}'", ex.Message, StringComparison.Ordinal);
        if (zone is not null)
        {
            Assert.Contains($"zone '{zone}'", ex.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Load_MissingFile_SaysNotFound()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => ZoneFile.Load("/nonexistent/zones.json", 640, 360));
        Assert.Contains("'/nonexistent/zones.json' not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileOnDisk_NamesThePathInErrors()
    {
        using var dir = TestData.TempDir();
        string path = dir.File("bad.json");
        File.WriteAllText(path, One("\"name\": \"t\", \"polygon\": [[0,0],[1,1]], \"classes\": [\"bottle\"]"));
        var ex = Assert.Throws<VisionTrackerException>(() => ZoneFile.Load(path, 640, 360));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Defaults_ShelfKindAndThresholds()
    {
        var z = Assert.Single(ZoneFile.Parse(One("\"name\": \" t \", " + Sq + ", \"classes\": [\"Bottle\", \"cup\", \"bottle\"]"), Src, 640, 360));
        Assert.Equal("t", z.Name);
        Assert.Equal(ZoneKind.Shelf, z.Kind);
        Assert.Equal([39, 41], z.ClassIds);
        Assert.Equal(Zone.DefaultMinStableSeconds, z.MinStableSeconds);
        Assert.Equal(Zone.DefaultHoldSeconds, z.HoldSeconds);
        Assert.Null(z.DwellSeconds);
        Assert.Equal(new BoxF(10, 10, 100, 100), z.Polygon.Bounds);
    }

    [Fact]
    public void Parse_AreaDefaults_PersonAndFiveSecondDwellOnExit()
    {
        var z = Assert.Single(ZoneFile.Parse(One("\"name\": \"a\", \"kind\": \"AREA\", " + Sq), Src, 640, 360));
        Assert.Equal(ZoneKind.Area, z.Kind);
        Assert.Equal([0], z.ClassIds);
        Assert.Equal(Zone.DefaultDwellSeconds, z.DwellSeconds);
        Assert.Equal(DwellReport.OnExit, z.DwellReport);
    }

    [Theory]
    [InlineData("", 320f, 180f)]                       // auto: all in [0,1] -> normalised
    [InlineData(", \"normalized\": true", 320f, 180f)] // explicit
    [InlineData(", \"normalized\": false", 0.5f, 0.5f)] // explicit pixels, even though they look normalised
    public void Parse_NormalisedCoordinates_AreScaledToTheFrame(string normalized, float x, float y)
    {
        var z = Assert.Single(ZoneFile.Parse(One("\"name\": \"n\", \"polygon\": [[0,0],[0.5,0.5],[0,1]]" + normalized + ", \"classes\": [\"bottle\"]"), Src, 640, 360));
        Assert.Equal(new PointF(x, y), z.Polygon.Vertices[1]);
    }

    [Fact]
    public void Parse_CommentsAndTrailingCommas_AreAccepted()
    {
        string json = """
            {
              // a comment
              "description": "x",
              "zones": [
                { "name": "a", "polygon": [[1,1],[20,1],[20,20],], "classes": ["bottle"], "minStableSeconds": 0, },
              ],
            }
            """;
        var z = Assert.Single(ZoneFile.Parse(json, Src, 640, 360));
        Assert.Equal(0, z.MinStableSeconds);
    }

    [Fact]
    public void Parse_VertexWithinOnePixelOutside_IsAccepted()
    {
        var z = Assert.Single(ZoneFile.Parse(One("\"name\": \"edge\", \"polygon\": [[-0.5,0],[640.5,0],[640,360]], \"normalized\": false, \"classes\": [\"bottle\"]"), Src, 640, 360));
        Assert.Equal(3, z.Polygon.Count);
    }

    [Fact]
    public void Load_BottleSample_HasTableAndThreeSpotsAroundTheBottleBases()
    {
        var zones = ZoneFile.Load(Path.Combine(TestData.RepoRoot, "samples", "zones", "bottle-detection.json"), 640, 360);
        Assert.Equal(["table", "spot-left", "spot-middle", "spot-right"], zones.Select(z => z.Name));
        Assert.All(zones, z => Assert.Equal(ZoneKind.Shelf, z.Kind));
        Assert.All(zones, z => Assert.Equal([39], z.ClassIds));

        // Bottle boxes read off frame 1.0 s (standing) and 6.8 s (left bottle lifted), in pixels.
        var left = new BoxF(57, 108, 122, 311);
        var middle = new BoxF(287, 110, 344, 312);
        var right = new BoxF(509, 108, 572, 314);
        var leftLifted = new BoxF(60, 40, 122, 270);
        var table = zones[0];
        Assert.True(table.Contains(left) && table.Contains(middle) && table.Contains(right));
        Assert.False(table.Contains(leftLifted));
        Assert.True(zones[1].Contains(left) && !zones[1].Contains(middle));
        Assert.True(zones[2].Contains(middle) && !zones[2].Contains(right));
        Assert.True(zones[3].Contains(right) && !zones[3].Contains(left));
    }

    [Fact]
    public void Load_StoreAisleSample_IsANormalisedAreaZoneHoldingTheShoppers()
    {
        var z = Assert.Single(ZoneFile.Load(Path.Combine(TestData.RepoRoot, "samples", "zones", "store-aisle.json"), 480, 270));
        Assert.Equal(ZoneKind.Area, z.Kind);
        Assert.Equal([0], z.ClassIds);
        Assert.Equal(2.0, z.DwellSeconds);
        Assert.True(z.Polygon.Bounds.X2 <= 480 && z.Polygon.Bounds.Y2 <= 270);

        // Person boxes read off frames at 0.2 s and 2.0 s (pixels): the man in the hat, the woman in teal, the
        // woman in brown; and a point on the display table, which is not aisle.
        Assert.True(z.Contains(new BoxF(268, 62, 320, 240)));
        Assert.True(z.Contains(new BoxF(345, 85, 415, 270)));
        Assert.True(z.Contains(new BoxF(335, 155, 440, 270)));
        Assert.False(z.Contains(new BoxF(150, 100, 230, 200)));
    }
}
