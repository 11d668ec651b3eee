using OpenCvSharp;
using VisionTracker.Detection;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Detection;

/// <summary>The DETR and RF-DETR layouts, decoded from tiny graphs with known numbers; errors for bad models and providers.</summary>
public sealed class DetrDetectorLayoutTests
{
    private const int FrameW = 100;
    private const int FrameH = 50;

    // Three queries, hidden size 3 = 2 classes + no-object; the class head is an identity MatMul, so logits = hidden.
    private static readonly float[] DetrHidden =
    [
        2f, 0f, 0f, // class 0 wins
        0f, 1f, 3f, // no-object wins: class 1 at 0.11 is under the threshold
        0f, 3f, 1f, // class 1 wins
    ];

    private static readonly float[] Boxes =
    [
        0.5f, 0.5f, 0.5f, 0.5f,
        0.1f, 0.1f, 0.1f, 0.1f,
        0.25f, 0.25f, 0.2f, 0.1f,
    ];

    // Three queries, 2 classes, identity head: labels (logits) = hidden.
    private static readonly float[] RfHidden =
    [
        2f, -1f, // sigmoid 0.881 (class 0), 0.269
        -3f, -2f, // nothing
        0.5f, 1.5f, // 0.622 (class 0), 0.818 (class 1)
    ];

    [Fact]
    public void Detr_SyntheticGraph_DecodesSoftmaxScoresCxcywhBoxesAndTapsHidden()
    {
        using var dir = TestData.TempDir();
        string path = DetrGraph().Save(dir, "detr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        Assert.Equal(OutputLayout.Detr, det.Info.Layout);
        Assert.Equal(3, det.Info.EmbeddingDim);
        Assert.Equal(2, d.Count);

        // Highest score first: query 2 (class 1), then query 0 (class 0).
        Assert.Equal([1, 0], d.ClassIds.ToArray());
        Assert.Equal(Softmax([0f, 3f, 1f], 1), d.Scores[0], 5);
        Assert.Equal(Softmax([2f, 0f, 0f], 0), d.Scores[1], 5);
        AssertBox(15f, 10f, 35f, 15f, d.Boxes[0]);
        AssertBox(25f, 12.5f, 75f, 37.5f, d.Boxes[1]);
        Assert.Equal([0f, 3f, 1f], d.Embedding(0).ToArray());
        Assert.Equal([2f, 0f, 0f], d.Embedding(1).ToArray());
    }

    [Fact]
    public void RfDetr_SyntheticGraph_DefaultKeepsOneObjectPerQuery_ItsBestClass()
    {
        using var dir = TestData.TempDir();
        string path = RfDetrGraph().Save(dir, "rfdetr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        // Query 2 scores 0.818 as class 1 and 0.622 as class 0: only its best class is a detection.
        Assert.Equal(2, d.Count);
        Assert.Equal([0, 1], d.ClassIds.ToArray());
        Assert.Equal(Sigmoid(2f), d.Scores[0], 5);
        Assert.Equal(Sigmoid(1.5f), d.Scores[1], 5);
        Assert.Equal([0.5f, 1.5f], d.Embedding(1).ToArray());
    }

    [Fact]
    public void RfDetr_SyntheticGraph_AllClassesPerQuery_DecodesSigmoidTopKOverQueriesAndClasses()
    {
        using var dir = TestData.TempDir();
        string path = RfDetrGraph().Save(dir, "rfdetr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, AllClassesPerQuery = true, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        Assert.Equal(OutputLayout.RfDetr, det.Info.Layout);
        Assert.Equal(2, det.Info.EmbeddingDim);
        Assert.Equal(3, d.Count);
        Assert.Equal([0, 1, 0], d.ClassIds.ToArray());
        Assert.Equal(Sigmoid(2f), d.Scores[0], 5);
        Assert.Equal(Sigmoid(1.5f), d.Scores[1], 5);
        Assert.Equal(Sigmoid(0.5f), d.Scores[2], 5);
        AssertBox(25f, 12.5f, 75f, 37.5f, d.Boxes[0]);
        AssertBox(15f, 10f, 35f, 15f, d.Boxes[1]);
        AssertBox(15f, 10f, 35f, 15f, d.Boxes[2]);

        // Query 2 gives two detections (two classes): both carry query 2's hidden state.
        Assert.Equal([2f, -1f], d.Embedding(0).ToArray());
        Assert.Equal([0.5f, 1.5f], d.Embedding(1).ToArray());
        Assert.Equal([0.5f, 1.5f], d.Embedding(2).ToArray());
    }

    [Fact]
    public void RtDetr_SyntheticTopKGraph_DecodesPixelBoxesAndMapsRowsToQueryEmbeddings()
    {
        using var dir = TestData.TempDir();
        string path = RtDetrTopKGraph().Save(dir, "rtdetr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, AllClassesPerQuery = true, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        Assert.Equal(OutputLayout.RtDetr, det.Info.Layout);
        Assert.Equal("query", det.Tap?.QueryIndexSource);
        Assert.Equal(3, d.Count);
        Assert.Equal([1, 0, 0], d.ClassIds.ToArray());
        Assert.Equal(Sigmoid(3f), d.Scores[0], 5);
        Assert.Equal(Sigmoid(2f), d.Scores[1], 5);
        Assert.Equal(0.5f, d.Scores[2], 5);
        AssertBox(10f, 10f, 50f, 30f, d.Boxes[0]); // query 0, scaled by the frame's W,H
        AssertBox(50f, 25f, 100f, 50f, d.Boxes[1]); // query 1
        AssertBox(10f, 10f, 50f, 30f, d.Boxes[2]); // query 0 again, second class
        Assert.Equal([0f, 3f], d.Embedding(0).ToArray());
        Assert.Equal([2f, -1f], d.Embedding(1).ToArray());
        Assert.Equal([0f, 3f], d.Embedding(2).ToArray());
    }

    // A miniature DEIM deploy head: class MatMul -> Sigmoid -> flatten -> TopK(3); query = index / 2, label = index % 2,
    // boxes = per-query normalised xyxy gathered by query and scaled by orig_target_sizes. Rows: query 0 class 1
    // (0.953), query 1 class 0 (0.881), query 0 class 0 (0.5, the same box again under its second label).
    private static OnnxGraphBuilder RtDetrTopKGraph() => new OnnxGraphBuilder()
        .Input("images", 1, 1, 3, 8, 8)
        .Input("orig_target_sizes", 7, 1, 2)
        .Constant("hidden_value", [1, 3, 2], [0f, 3f, 2f, -1f, -2f, -2f])
        .Node("Identity", ["hidden_value"], ["hidden"])
        .Initializer("dec_score_head.weight", [2, 2], OnnxGraphBuilder.Identity(2))
        .Node("MatMul", ["hidden", "dec_score_head.weight"], ["logits"], "dec_score_head/MatMul")
        .Node("Sigmoid", ["logits"], ["prob"])
        .ConstantInt64("flat_shape", [2], [1, 6])
        .Node("Reshape", ["prob", "flat_shape"], ["flat"])
        .ConstantInt64("k", [1], [3])
        .Node("TopK", ["flat", "k"], ["scores", "topk_index"])
        .ConstantInt64("num_classes", [], [2])
        .Node("Div", ["topk_index", "num_classes"], ["query"], "postprocessor/Div")
        .Node("Mul", ["query", "num_classes"], ["query_x_classes"])
        .Node("Sub", ["topk_index", "query_x_classes"], ["labels"])
        .Constant("box_table", [3, 4], [0.1f, 0.2f, 0.5f, 0.6f, 0.5f, 0.5f, 1f, 1f, 0f, 0f, 0.1f, 0.1f])
        .Node("Gather", ["box_table", "query"], ["query_boxes"], null, "", ("axis", 0))
        .Node("Cast", ["orig_target_sizes"], ["sizes"], null, "", ("to", 1))
        .Node("Concat", ["sizes", "sizes"], ["sizes4"], null, "", ("axis", 1))
        .ConstantInt64("axis1", [1], [1])
        .Node("Unsqueeze", ["sizes4", "axis1"], ["sizes4u"])
        .Node("Mul", ["query_boxes", "sizes4u"], ["boxes"])
        .Output("labels", 7, 1, 3)
        .Output("boxes", 1, 1, 3, 4)
        .Output("scores", 1, 1, 3);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RtDetr_SyntheticTopKGraph_DefaultKeepsOneObjectPerQuery_WithAndWithoutTheQueryIndexTap(bool tap)
    {
        // With the tap, rows of one query share the tapped query index; without it, they share the gathered box.
        using var dir = TestData.TempDir();
        string path = RtDetrTopKGraph().Save(dir, "rtdetr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, EnableEmbeddingTap = tap, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        Assert.Equal(tap, det.Tap?.QueryIndexSource is not null);
        Assert.Equal(2, d.Count);
        Assert.Equal([1, 0], d.ClassIds.ToArray());
        Assert.Equal(Sigmoid(3f), d.Scores[0], 5);
        Assert.Equal(Sigmoid(2f), d.Scores[1], 5);
        AssertBox(10f, 10f, 50f, 30f, d.Boxes[0]);
        AssertBox(50f, 25f, 100f, 50f, d.Boxes[1]);

        // With a class filter the best class is chosen among the kept ones: query 0 is class 0 at 0.5 when only class 0
        // is asked for, once.
        using var filtered = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, EnableEmbeddingTap = tap, ClassFilter = new HashSet<int> { 0 }, IntraOpThreads = 1, Log = _ => { } });
        var f = filtered.Detect(frame);
        Assert.Equal([0, 0], f.ClassIds.ToArray());
        Assert.Equal(0.5f, f.Scores[1], 5);
        AssertBox(50f, 25f, 100f, 50f, f.Boxes[0]);
        AssertBox(10f, 10f, 50f, 30f, f.Boxes[1]);
    }

    [Fact]
    public void RfDetr_ClassFilterAndMaxDetections_KeepOnlyTheBestOfTheChosenClasses()
    {
        using var dir = TestData.TempDir();
        string path = RfDetrGraph().Save(dir, "rfdetr.onnx");
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        using (var filtered = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, ClassFilter = new HashSet<int> { 1 }, IntraOpThreads = 1, Log = _ => { } }))
        {
            var d = filtered.Detect(frame);
            Assert.Equal([1], d.ClassIds.ToArray());
            Assert.Equal(Sigmoid(1.5f), d.Scores[0], 5);
        }

        using var capped = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, MaxDetections = 1, IntraOpThreads = 1, Log = _ => { } });
        var top = capped.Detect(frame);
        Assert.Equal([0], top.ClassIds.ToArray());
        Assert.Equal(Sigmoid(2f), top.Scores[0], 5);
    }

    [Fact]
    public void ClassAwareNms_DropsTheLowerOfTwoOverlappingBoxesOfOneClassOnly()
    {
        // Two queries with the same box: class 0 at sigmoid(2) and sigmoid(1); a third query, class 1, on the same box.
        using var dir = TestData.TempDir();
        float[] hidden = [2f, -9f, 1f, -9f, -9f, 0.5f];
        float[] boxes = [0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f];
        string path = RfDetrGraph(hidden, boxes).Save(dir, "nms.onnx");
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        using var plain = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, Log = _ => { } });
        Assert.Equal(3, plain.Detect(frame).Count);

        using var nms = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, ClassAwareNms = true, IntraOpThreads = 1, Log = _ => { } });
        var d = nms.Detect(frame);
        Assert.Equal([0, 1], d.ClassIds.ToArray());
        Assert.Equal(Sigmoid(2f), d.Scores[0], 5);
    }

    [Fact]
    public void EmbeddingTapOff_SameDetectionsWithoutEmbeddings()
    {
        using var dir = TestData.TempDir();
        string path = DetrGraph().Save(dir, "detr.onnx");
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));
        using var on = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, Log = _ => { } });
        using var off = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, EnableEmbeddingTap = false, Log = _ => { } });

        var a = on.Detect(frame);
        var b = off.Detect(frame);

        Assert.False(b.HasEmbeddings);
        Assert.Equal(0, off.Info.EmbeddingDim);
        Assert.Equal(a.Boxes.ToArray(), b.Boxes.ToArray());
        Assert.Equal(a.Scores.ToArray(), b.Scores.ToArray());
        Assert.Equal(a.ClassIds.ToArray(), b.ClassIds.ToArray());
    }

    [Fact]
    public void NoRecognisableClassHead_WorksWithoutEmbeddingsAndSaysSoOnce()
    {
        // pred_logits is a constant: there is no MatMul to tap.
        using var dir = TestData.TempDir();
        string path = new OnnxGraphBuilder()
            .Input("images", 1, 1, 3, 8, 8)
            .Constant("pred_logits", [1, 3, 3], DetrHidden)
            .Constant("pred_boxes", [1, 3, 4], Boxes)
            .Output("pred_logits", 1, 1, 3, 3)
            .Output("pred_boxes", 1, 1, 3, 4)
            .Save(dir, "notap.onnx");
        var log = new List<string>();
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ScoreThreshold = 0.3f, IntraOpThreads = 1, Log = log.Add });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d1 = det.Detect(frame);
        var d2 = det.Detect(frame);

        Assert.Equal(2, d1.Count);
        Assert.False(d1.HasEmbeddings);
        Assert.Equal(2, d2.Count);
        Assert.Equal(0, det.Info.EmbeddingDim);
        string line = Assert.Single(log);
        Assert.Contains("no embedding tap", line, StringComparison.Ordinal);
    }

    [Fact]
    public void NotOnnxFile_ThrowsOneClearLine()
    {
        using var dir = TestData.TempDir();
        string path = dir.File("model.onnx");
        File.WriteAllText(path, "this is a text file, not a model\n");

        var ex = Assert.Throws<VisionTrackerException>(() => new DetrDetector(new DetrDetectorOptions { ModelPath = path }));

        Assert.Contains("not a loadable ONNX model", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void MissingModelFile_ThrowsNotFound()
    {
        var ex = Assert.Throws<VisionTrackerException>(() => new DetrDetector(new DetrDetectorOptions { ModelPath = "/no/such/model.onnx" }));
        Assert.Contains("Model file not found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GraphOnnxRuntimeCannotLoad_ThrowsVisionTrackerException()
    {
        using var dir = TestData.TempDir();
        string path = new OnnxGraphBuilder()
            .Input("images", 1, 1, 3, 8, 8)
            .Node("NoSuchOperator", ["images"], ["pred_logits"], domain: "")
            .Constant("pred_boxes", [1, 3, 4], Boxes)
            .Output("pred_logits", 1, 1, 3, 3)
            .Output("pred_boxes", 1, 1, 3, 4)
            .Save(dir, "bad.onnx");

        var ex = Assert.Throws<VisionTrackerException>(() => new DetrDetector(new DetrDetectorOptions { ModelPath = path, Log = _ => { } }));
        Assert.Contains("ONNX Runtime cannot load", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownLayout_ThrowsListingTheOutputs()
    {
        using var dir = TestData.TempDir();
        string path = new OnnxGraphBuilder()
            .Input("images", 1, 1, 3, 8, 8)
            .Constant("something", [1, 3], [1f, 2f, 3f])
            .Output("something", 1, 1, 3)
            .Save(dir, "odd.onnx");

        var ex = Assert.Throws<VisionTrackerException>(() => new DetrDetector(new DetrDetectorOptions { ModelPath = path }));
        Assert.Contains("Unrecognised detector outputs", ex.Message, StringComparison.Ordinal);
        Assert.Contains("something", ex.Message, StringComparison.Ordinal);
    }

#if !ONNXRUNTIME_GPU
    [Theory]
    [InlineData("cuda")]
    [InlineData("cuda:1")]
    [InlineData("tensorrt")]
    public void GpuProvider_OnCpuPackage_ThrowsNamingTheGpuBuild(string device)
    {
        using var dir = TestData.TempDir();
        string path = DetrGraph().Save(dir, "detr.onnx");

        var ex = Assert.Throws<VisionTrackerException>(() => new DetrDetector(new DetrDetectorOptions { ModelPath = path, ExecutionProvider = device, Log = _ => { } }));

        Assert.Contains("not available", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-p:OnnxRuntimeGpu=true", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CUDA 13", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoProvider_OnCpuPackage_FallsBackToCpuAndSaysSoOnce()
    {
        using var dir = TestData.TempDir();
        string path = DetrGraph().Save(dir, "detr.onnx");
        var log = new List<string>();

        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, ExecutionProvider = "auto", Log = log.Add });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));
        det.Detect(frame);
        det.Detect(frame);

        Assert.Equal("cpu", det.Info.ExecutionProvider);
        Assert.Contains("falling back to cpu", Assert.Single(log), StringComparison.Ordinal);
    }
#endif

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:x")]
    [InlineData("cpu:0")]
    public void BadDeviceString_Throws(string device)
    {
        Assert.Throws<VisionTrackerException>(() => ExecutionProviders.Parse(device));
    }

    [Theory]
    [InlineData("cpu", "cpu", 0)]
    [InlineData("CUDA:2", "cuda", 2)]
    [InlineData("tensorrt", "tensorrt", 0)]
    [InlineData("auto", "auto", 0)]
    public void DeviceString_Parses(string device, string kind, int id)
    {
        Assert.Equal((kind, id), ExecutionProviders.Parse(device));
    }

    [Fact]
    public void Letterbox_MapsBoxesBackThroughThePadding()
    {
        // 100x50 frame into an 8x8 input: scale 0.08, content 8x4 at y offset 2. A normalised box covering the
        // content area (cx 0.5, cy 0.5, w 1, h 0.5) maps back to the whole frame.
        using var dir = TestData.TempDir();
        string path = new OnnxGraphBuilder()
            .Input("images", 1, 1, 3, 8, 8)
            .Constant("hidden_value", [1, 1, 3], [5f, 0f, 0f])
            .Node("Identity", ["hidden_value"], ["hidden"])
            .Initializer("w", [3, 3], OnnxGraphBuilder.Identity(3))
            .Node("MatMul", ["hidden", "w"], ["pred_logits"])
            .Constant("pred_boxes", [1, 1, 4], [0.5f, 0.5f, 1f, 0.5f])
            .Output("pred_logits", 1, 1, 1, 3)
            .Output("pred_boxes", 1, 1, 1, 4)
            .Save(dir, "lb.onnx");
        var spec = PreprocessSpec.DetrDefault with { Resize = "letterbox" };
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, Preprocess = spec, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));

        var d = det.Detect(frame);

        AssertBox(0f, 0f, 100f, 50f, Assert.Single(d.Boxes.ToArray()));
    }

    [Fact]
    public void Timings_CountEveryFrame()
    {
        using var dir = TestData.TempDir();
        string path = DetrGraph().Save(dir, "detr.onnx");
        using var det = new DetrDetector(new DetrDetectorOptions { ModelPath = path, IntraOpThreads = 1, Log = _ => { } });
        using var frame = new Mat(FrameH, FrameW, MatType.CV_8UC3, Scalar.All(0));
        for (int i = 0; i < 3; i++)
        {
            det.Detect(frame);
        }

        var (frames, pre, infer, post) = det.Timings.Snapshot();
        Assert.Equal(3, frames);
        Assert.True(pre > 0 && infer > 0 && post >= 0);
    }

    internal static OnnxGraphBuilder DetrGraph() => new OnnxGraphBuilder()
        .Input("images", 1, 1, 3, 8, 8)
        .Constant("hidden_value", [1, 3, 3], DetrHidden)
        .Node("Identity", ["hidden_value"], ["hidden"])
        .Initializer("class_embed.weight", [3, 3], OnnxGraphBuilder.Identity(3))
        .Node("MatMul", ["hidden", "class_embed.weight"], ["pred_logits"], "class_embed/MatMul")
        .Constant("pred_boxes", [1, 3, 4], Boxes)
        .Output("pred_logits", 1, 1, 3, 3)
        .Output("pred_boxes", 1, 1, 3, 4);

    private static OnnxGraphBuilder RfDetrGraph(float[]? hidden = null, float[]? boxes = null) => new OnnxGraphBuilder()
        .Input("input", 1, 1, 3, 8, 8)
        .Constant("hidden_value", [1, 3, 2], hidden ?? RfHidden)
        .Node("Identity", ["hidden_value"], ["hidden"])
        .Initializer("class_embed.weight", [2, 2], OnnxGraphBuilder.Identity(2))
        .Node("MatMul", ["hidden", "class_embed.weight"], ["labels"], "class_embed/MatMul")
        .Constant("dets", [1, 3, 4], boxes ?? Boxes)
        .Output("dets", 1, 1, 3, 4)
        .Output("labels", 1, 1, 3, 2);

    private static float Softmax(float[] logits, int index)
    {
        double sum = logits.Sum(l => Math.Exp(l));
        return (float)(Math.Exp(logits[index]) / sum);
    }

    private static float Sigmoid(float x) => (float)(1.0 / (1.0 + Math.Exp(-x)));

    private static void AssertBox(float x1, float y1, float x2, float y2, VisionTracker.Geometry.BoxF b)
    {
        Assert.Equal(x1, b.X1, 3);
        Assert.Equal(y1, b.Y1, 3);
        Assert.Equal(x2, b.X2, 3);
        Assert.Equal(y2, b.Y2, 3);
    }
}
