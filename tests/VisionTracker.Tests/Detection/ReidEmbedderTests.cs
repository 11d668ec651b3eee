using System.Globalization;
using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Detection;

[Trait("Category", Categories.RealData)]
public class ReidEmbedderTests(ITestOutputHelper output)
{
    private static Dictionary<int, BoxF> GtBoxes(string gtPath, int frame) =>
        File.ReadLines(gtPath)
            .Select(l => l.Split(','))
            .Where(c => int.Parse(c[0], CultureInfo.InvariantCulture) == frame)
            .ToDictionary(
                c => int.Parse(c[1], CultureInfo.InvariantCulture),
                c => BoxF.FromXywh(float.Parse(c[2], CultureInfo.InvariantCulture), float.Parse(c[3], CultureInfo.InvariantCulture), float.Parse(c[4], CultureInfo.InvariantCulture), float.Parse(c[5], CultureInfo.InvariantCulture)));

    [Fact]
    public void Osnet_SamePersonFiveFramesApart_IsNearestByCosine()
    {
        string seq = TestData.Dataset("TUD-Campus");
        string gt = Path.Combine(seq, "gt", "gt.txt");
        using var reid = new ReidEmbedder(TestData.Model("osnet_x0_25_msmt17.onnx"));
        Assert.Equal(512, reid.Dimension);
        var a = GtBoxes(gt, 1);
        var b = GtBoxes(gt, 6);
        var common = a.Keys.Intersect(b.Keys).Order().ToArray();
        Assert.True(common.Length >= 4, $"expected several people in frames 1 and 6, got {common.Length}");
        using var imgA = Cv2.ImRead(Path.Combine(seq, "img1", "000001.jpg"));
        using var imgB = Cv2.ImRead(Path.Combine(seq, "img1", "000006.jpg"));
        var ea = common.ToDictionary(id => id, id => Embed(reid, imgA, a[id]));
        var eb = common.ToDictionary(id => id, id => Embed(reid, imgB, b[id]));
        int right = 0;
        foreach (int id in common)
        {
            int best = common.MaxBy(o => Dot(ea[id], eb[o]));
            right += best == id ? 1 : 0;
            Assert.Equal(1f, MathF.Sqrt(Dot(ea[id], ea[id])), 3);
        }

        output.WriteLine($"OSNet nearest-by-cosine right for {right} of {common.Length} people (TUD-Campus frame 1 -> 6)");
        Assert.True(right >= common.Length - 1, $"re-ID picked the right person for only {right} of {common.Length}");
    }

    [Fact]
    public void MissingModel_NamesTheFileAndThePullCommand()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => new ReidEmbedder("/nonexistent/osnet.onnx"));
        Assert.Contains("vtrack models pull osnet-x0.25", ex.Message, StringComparison.Ordinal);
    }

    private static float[] Embed(ReidEmbedder reid, Mat img, BoxF box)
    {
        var e = new float[reid.Dimension];
        reid.EmbedOne(img, box, e);
        return e;
    }

    private static float Dot(float[] x, float[] y) => System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
}
