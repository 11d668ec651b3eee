using VisionTracker;
using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Annotations;

public class BadFileTests
{
    [Theory]
    [InlineData("1,1,10,10,5,5,1,-1,-1,-1\n2,1,10,x,5,5,1,-1,-1,-1\n", ":2:", "not a number")] // malformed number
    [InlineData("1,1,10,10,5,5,1,-1,-1,-1\n2,1,10,10,5,5,1,-1\n", ":2:", "8 columns")] // wrong column count
    [InlineData("1,1,10,10,5\n", ":1:", "5 columns")] // too few
    [InlineData("\n\n1.5,1,10,10,5,5,1\n", ":3:", "integers")] // fractional frame
    [InlineData("1,3000000000,10,10,5,5,1\n1,4000000000,10,10,5,5,1\n", ":1:", "beyond")] // ids that would clamp to one
    [InlineData("1,1,10,10,5,5,1\n3e9,1,10,10,5,5,1\n", ":2:", "beyond")] // frame past int
    [InlineData("1,1,1\u000b0,10,5,5,1\n", ":1:", "\\u000b")] // control character shown escaped, one line
    public void Mot_BadLine_ThrowsNamingFileAndLine(string content, string line, string what)
    {
        using var dir = TestData.TempDir();
        string p = dir.File("bad.txt");
        File.WriteAllText(p, content);
        var ex = Assert.Throws<VisionTrackerException>(() => MotChallengeFormat.Read(p));
        Assert.Contains(p + line, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("<annotations><version>1.1</version>\n<track id=\"0\" label=\"a\">\n<box frame=\"0\"", ":3:", "broken XML")] // truncated
    [InlineData("<annotations>\n<track id=\"0\" label=\"a\">\n<box frame=\"zero\" xtl=\"0\" ytl=\"0\" xbr=\"1\" ybr=\"1\"/></track></annotations>", ":3:", "<box>")] // bad attribute
    [InlineData("<annotations>\n<track label=\"a\"></track></annotations>", ":2:", "<track>")] // missing id
    [InlineData("<root/>", ":1:", "<annotations>")] // wrong root
    [InlineData("<annotations>\n<track id=\"0\" label=\"a\">\n<box frame=\"-3\" xtl=\"0\" ytl=\"0\" xbr=\"1\" ybr=\"1\"/></track></annotations>", ":3:", "frames run from 0")] // negative frame
    [InlineData("<annotations>\n<track id=\"2147483647\" label=\"a\"></track></annotations>", ":2:", "too large")] // id + 1 would wrap
    [InlineData("<annotations>\n<track id=\"0\" label=\"a\">\n<box frame=\"0\" xtl=\"1&#10;2\" ytl=\"0\" xbr=\"1\" ybr=\"1\"/></track></annotations>", ":3:", "1\\n2")] // newline in a value stays escaped
    public void Cvat_BrokenXml_ThrowsNamingFileAndLine(string content, string line, string what)
    {
        using var dir = TestData.TempDir();
        string p = dir.File("bad.xml");
        File.WriteAllText(p, content);
        var ex = Assert.Throws<VisionTrackerException>(() => CvatVideoFormat.Read(p));
        Assert.Contains(p + line, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x3c, 0x3f, 0x78, 0x6d, 0x6c, 0x20, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3d, 0x22, 0x31, 0x2e, 0x30, 0xbf, 0x22, 0x3f, 0x3e })] // <?xml version="1.0\xbf"?>: dotnet/runtime#113061
    [InlineData(new byte[] { 0x3c, 0x3f, 0x78, 0x6d, 0x6c, 0x20, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x3d, 0x22, 0x31, 0x2e, 0x30, 0x22, 0x20, 0x65, 0x6e, 0x63, 0x6f, 0x64, 0x69, 0x6e, 0x67, 0x3d, 0x22, 0xc3, 0xa9, 0x22, 0x3f, 0x3e, 0x3c, 0x61, 0x2f, 0x3e })] // non-ASCII encoding name
    public void Cvat_NonAsciiByteInXmlDeclaration_IsABrokenFileNotACrash(byte[] content)
    {
        using var dir = TestData.TempDir();
        string p = dir.File("bad.xml");
        File.WriteAllBytes(p, content);
        var ex = Assert.Throws<VisionTrackerException>(() => CvatVideoFormat.Read(p));
        Assert.Contains(p + ":1:", ex.Message, StringComparison.Ordinal);
        Assert.Contains("broken XML", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1,\"frame_index\":0}],\"annotations\":[{\"image_id\":1,\"track_id\":1,\"bbox\":[1,2,3],\"category_id\":1}]}", "annotations[0].bbox")]
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1}],\"annotations\":[]}", "images[0].frame_index")]
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1,\"frame_index\":0}],\"annotations\":[{\"image_id\":9,\"track_id\":1,\"bbox\":[1,2,3,4],\"category_id\":1}]}", "annotations[0].image_id")]
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[],\"annotations\":[{\"image_id\":1,\"bbox\":[1,2,3,4]}]}", "annotations[0].image_id")]
    [InlineData("{\"images\":[],\"annotations\":[]}", "videos")]
    [InlineData("{\"videos\":[{\"id\":1}],\n\"images\": [,]}", ":2:")]
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1,\"frame_index\":-1}],\"annotations\":[]}", "images[0].frame_index")] // negative frame
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1,\"frame_index\":4294967296}],\"annotations\":[]}", "images[0].frame_index")] // would wrap to frame 1
    [InlineData("{\"videos\":[{\"id\":1}],\"images\":[{\"id\":1,\"frame_index\":0}],\"annotations\":[{\"image_id\":1,\"track_id\":4294967297,\"bbox\":[1,2,3,4],\"category_id\":1}]}", "annotations[0].track_id")] // would wrap to track 1
    public void Coco_SchemaError_ThrowsNamingFileAndElement(string content, string element)
    {
        using var dir = TestData.TempDir();
        string p = dir.File("bad.json");
        File.WriteAllText(p, content);
        var ex = Assert.Throws<VisionTrackerException>(() => CocoVideoFormat.Read(p));
        Assert.Contains(p, ex.Message, StringComparison.Ordinal);
        Assert.Contains(element, ex.Message, StringComparison.Ordinal);
    }
}
