using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;
using VisionTracker.Geometry;

namespace VisionTracker.Detection;

/// <summary>
/// A DETR-family detector (RT-DETR/D-FINE/DEIM deploy, original DETR, RF-DETR layouts) on ONNX Runtime, returning
/// one decoder embedding per detection when the model's class head can be tapped.
/// </summary>
/// <remarks>
/// Per frame the only work before inference is one resize into a reused <see cref="Mat"/> and one pass into a reused,
/// pinned input tensor; ORT outputs are disposed before <see cref="Detect"/> returns. Not thread-safe: use one
/// instance per thread.
/// </remarks>
public sealed class DetrDetector : IDetector
{
    private readonly DetrDetectorOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OutputLayout _layout;
    private readonly TapPlan? _tap;
    private readonly int _inW;
    private readonly int _inH;
    private readonly bool _letterbox;
    private readonly float[] _input;
    private readonly long[]? _targetSize;
    private readonly OrtValue[] _inputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly float[] _lut = new float[3 * 256];
    private readonly bool _swapRb;
    private readonly Mat _resized;
    private readonly bool _batchDynamic;
    private Mat? _roi;
    private int _batchSize;
    private float[] _batchInput = [];
    private long[] _batchTarget = [];
    private OrtValue[] _batchValues = [];
    private int _roiFrameW;
    private int _roiFrameH;

    // Candidate scratch, grown once to the largest size a frame can need and reused.
    private float[] _candKey = [];
    private int[] _candIndex = [];
    private int[] _candQuery = [];
    private int[] _candClass = [];
    private float[] _candScore = [];
    private BoxF[] _candBox = [];
    private bool[] _suppressed = [];
    private bool _disposed;
    private IReadOnlySet<int>? _filter;
    private Mapping[] _maps = [];

    /// <summary>Loads the model, recognises its layout, sets up the embedding tap and the execution provider.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or not ONNX, its layout is unknown, its input size is dynamic and not given, or the provider cannot load.</exception>
    public DetrDetector(DetrDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Action<string> log = options.Log ?? (static m => Console.Error.WriteLine(m));
        var model = OnnxModel.Load(options.ModelPath);
        _layout = model.RecogniseLayout();
        if (options.Entry is { Layout.Length: > 0 } entry && DeclaredLayout(entry.Layout) is { } declared && declared != _layout)
        {
            log($"{Path.GetFileName(options.ModelPath)}: the manifest says layout '{entry.Layout}' but the graph is {_layout}; using {_layout}.");
        }

        var image = model.ImageInput();
        _inH = ResolveDim(image.Shape[2], options.InputHeight ?? options.Entry?.InputHeight, "height");
        _inW = ResolveDim(image.Shape[3], options.InputWidth ?? options.Entry?.InputWidth, "width");
        var spec = options.Preprocess ?? options.Entry?.Preprocess ?? PreprocessSpec.DetrDefault;
        _letterbox = spec.Resize.Equals("letterbox", StringComparison.OrdinalIgnoreCase);
        if (!_letterbox && !spec.Resize.Equals("stretch", StringComparison.OrdinalIgnoreCase))
        {
            throw new VisionTrackerException($"Unknown resize mode '{spec.Resize}' in the model's preprocessing. Use stretch or letterbox.");
        }

        _swapRb = spec.ColorOrder.Equals("rgb", StringComparison.OrdinalIgnoreCase);
        for (int c = 0; c < 3; c++)
        {
            for (int v = 0; v < 256; v++)
            {
                _lut[(c * 256) + v] = ((v * spec.Scale) - spec.Mean[c]) / spec.Std[c];
            }
        }

        byte[] modelBytes = model.Bytes;
        if (options.EnableEmbeddingTap)
        {
            _tap = EmbeddingTap.Find(model, _layout, out string reason);
            if (_tap is null)
            {
                log($"{Path.GetFileName(options.ModelPath)}: no embedding tap ({reason}); detections come without embeddings.");
            }
            else
            {
                modelBytes = EmbeddingTap.Apply(model.Proto, _tap);
            }
        }

        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Math.Max(1, options.IntraOpThreads),
            InterOpNumThreads = 1,
        };
        if (!options.IntraOpSpinning)
        {
            // Idle ORT worker threads otherwise spin-wait, burning the CPU that decode, tracking and writing need.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        string provider = ExecutionProviders.Configure(sessionOptions, options.ExecutionProvider, log);
        try
        {
            _session = new InferenceSession(modelBytes, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new VisionTrackerException($"ONNX Runtime cannot load {options.ModelPath} ({ex.Message.ReplaceLineEndings(" ")}). Check that the file is a complete ONNX model (opset ≤ 21).", ex);
        }

        _batchDynamic = image.Shape[0] < 0;
        _input = new float[3 * _inW * _inH];
        var inputValues = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(_input, [1, 3, _inH, _inW]) };
        var inputNames = new List<string> { image.Name };
        if (_layout == OutputLayout.RtDetr)
        {
            var sizes = model.Inputs.First(i => i.Name != image.Name);
            _targetSize = new long[2];
            inputValues.Add(OrtValue.CreateTensorValueFromMemory(_targetSize, [1, 2]));
            inputNames.Add(sizes.Name);
        }

        _inputValues = [.. inputValues];
        _inputNames = [.. inputNames];
        var outputs = _layout switch
        {
            OutputLayout.RtDetr => new List<string> { "labels", "boxes", "scores" },
            OutputLayout.Detr => ["pred_logits", "pred_boxes"],
            _ => ["labels", "dets"],
        };
        if (_tap is not null)
        {
            outputs.Add(_tap.HiddenName);
            if (_tap.QueryIndexSource is not null)
            {
                outputs.Add(EmbeddingTap.QueryIndexOutput);
            }
        }

        _outputNames = [.. outputs];
        _resized = new Mat(_inH, _inW, MatType.CV_8UC3, Scalar.All(114));
        int numClasses = _layout switch
        {
            OutputLayout.Detr => (int)(model.Output("pred_logits")!.Shape[^1] - 1),
            OutputLayout.RfDetr => (int)model.Output("labels")!.Shape[^1],
            _ => _tap?.NumClasses ?? 80,
        };
        IReadOnlyList<string> names = numClasses <= 0 || numClasses == CocoClasses.Names.Count || string.Equals(options.Entry?.Labels, "coco80", StringComparison.OrdinalIgnoreCase)
            ? CocoClasses.Names
            : Enumerable.Range(0, numClasses).Select(CocoClasses.NameOf).ToArray();
        Info = new DetectorInfo(options.Entry?.Name ?? Path.GetFileName(options.ModelPath), _inW, _inH, _layout, _tap?.EmbeddingDim ?? 0, provider, names);
    }

    /// <inheritdoc/>
    public DetectorInfo Info { get; }

    /// <inheritdoc/>
    public StageTimings Timings { get; } = new();

    /// <summary>The tap found in the graph, or null when embeddings are off or no tap was found.</summary>
    internal TapPlan? Tap => _tap;

    /// <inheritdoc/>
    public Detections Detect(Mat bgrImage) => DetectWithFilter(bgrImage, _options.ClassFilter);

    private Detections DetectWithFilter(Mat bgrImage, IReadOnlySet<int>? filter)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CheckImage(bgrImage);
        long t0 = Stopwatch.GetTimestamp();
        var map = Preprocess(bgrImage, _input, _targetSize);
        long t1 = Stopwatch.GetTimestamp();
        using var outputs = _session.Run(_runOptions, _inputNames, _inputValues, _outputNames);
        long t2 = Stopwatch.GetTimestamp();
        _filter = filter;
        var result = Decode(outputs, map, bgrImage.Width, bgrImage.Height, 0, 1);
        long t3 = Stopwatch.GetTimestamp();
        Timings.Add(t1 - t0, t2 - t1, t3 - t2);
        return result;
    }

    /// <summary>
    /// Detects objects in several images with one inference call when the model's batch dimension is dynamic
    /// (one call per image otherwise). Timings count each image as one frame, with the batch's stage times split evenly.
    /// </summary>
    /// <param name="bgrImages">8-bit, 3-channel BGR images; sizes may differ.</param>
    /// <returns>One <see cref="Detections"/> per image, in order.</returns>
    public IReadOnlyList<Detections> DetectBatch(IReadOnlyList<Mat> bgrImages) => DetectBatch(bgrImages, null);

    /// <summary>
    /// As <see cref="DetectBatch(IReadOnlyList{Mat})"/>, with a class filter per image (several cameras in one batch,
    /// each keeping its own classes). A null filter, or a null list, means the detector's own
    /// <see cref="DetrDetectorOptions.ClassFilter"/>. Filtering happens where a single-image call filters (before the
    /// detection cap and NMS), so an image's result is the one a detector built with that filter would return.
    /// </summary>
    /// <param name="bgrImages">8-bit, 3-channel BGR images; sizes may differ.</param>
    /// <param name="classFilters">One filter per image, or null.</param>
    /// <returns>One <see cref="Detections"/> per image, in order.</returns>
    public IReadOnlyList<Detections> DetectBatch(IReadOnlyList<Mat> bgrImages, IReadOnlyList<IReadOnlySet<int>?>? classFilters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bgrImages);
        int batch = bgrImages.Count;
        if (classFilters is not null && classFilters.Count != batch)
        {
            throw new ArgumentException($"{classFilters.Count} class filters for {batch} images.", nameof(classFilters));
        }

        IReadOnlySet<int>? FilterOf(int b) => classFilters?[b] ?? _options.ClassFilter;
        if (batch <= 1 || !_batchDynamic)
        {
            var one = new Detections[batch];
            for (int b = 0; b < batch; b++)
            {
                one[b] = DetectWithFilter(bgrImages[b], FilterOf(b));
            }

            return one;
        }

        foreach (var image in bgrImages)
        {
            CheckImage(image);
        }

        EnsureBatch(batch);
        long t0 = Stopwatch.GetTimestamp();
        if (_maps.Length < batch)
        {
            _maps = new Mapping[batch];
        }

        var maps = _maps;
        int plane = 3 * _inW * _inH;
        for (int b = 0; b < batch; b++)
        {
            maps[b] = Preprocess(bgrImages[b], _batchInput.AsSpan(b * plane, plane), _targetSize is null ? default : _batchTarget.AsSpan(2 * b, 2));
        }

        long t1 = Stopwatch.GetTimestamp();
        using var outputs = _session.Run(_runOptions, _inputNames, _batchValues, _outputNames);
        long t2 = Stopwatch.GetTimestamp();
        var results = new Detections[batch];
        for (int b = 0; b < batch; b++)
        {
            _filter = FilterOf(b);
            results[b] = Decode(outputs, maps[b], bgrImages[b].Width, bgrImages[b].Height, b, batch);
        }

        long t3 = Stopwatch.GetTimestamp();
        for (int b = 0; b < batch; b++)
        {
            Timings.Add((t1 - t0) / batch, (t2 - t1) / batch, (t3 - t2) / batch);
        }

        return results;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var v in _inputValues.Concat(_batchValues))
        {
            v.Dispose();
        }

        _session.Dispose();
        _runOptions.Dispose();
        _roi?.Dispose();
        _resized.Dispose();
    }

    // The manifest's layout name (rtdetr, rt-detr, deim, dfine, detr, rfdetr, ...); null when not a known spelling.
    private static OutputLayout? DeclaredLayout(string name) =>
        name.Replace("-", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "RTDETR" or "DEIM" or "DEIMV2" or "DFINE" => OutputLayout.RtDetr,
            "DETR" => OutputLayout.Detr,
            "RFDETR" => OutputLayout.RfDetr,
            _ => null,
        };

    private static void CheckImage(Mat bgrImage)
    {
        ArgumentNullException.ThrowIfNull(bgrImage);
        if (bgrImage.Empty() || bgrImage.Type() != MatType.CV_8UC3)
        {
            throw new VisionTrackerException($"The detector needs an 8-bit 3-channel BGR image; got {(bgrImage.Empty() ? "an empty image" : bgrImage.Type().ToString())}.");
        }
    }

    // Batch input buffers, kept for the last batch size used and rebuilt only when it changes.
    private void EnsureBatch(int batch)
    {
        if (_batchSize == batch)
        {
            return;
        }

        foreach (var v in _batchValues)
        {
            v.Dispose();
        }

        _batchInput = new float[batch * 3 * _inW * _inH];
        _batchTarget = new long[2 * batch];
        var values = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(_batchInput, [batch, 3, _inH, _inW]) };
        if (_targetSize is not null)
        {
            values.Add(OrtValue.CreateTensorValueFromMemory(_batchTarget, [batch, 2]));
        }

        _batchValues = [.. values];
        _batchSize = batch;
    }

    private static int ResolveDim(long fromModel, int? given, string what)
    {
        if (fromModel > 0)
        {
            return checked((int)fromModel);
        }

        if (given is > 0)
        {
            return given.Value;
        }

        throw new VisionTrackerException($"The model's input {what} is dynamic: give it (--input-size, or the manifest entry's input size).");
    }

    // Network pixels → frame pixels: frame = (net - Pad) / Scale.
    private readonly record struct Mapping(float ScaleX, float ScaleY, float PadX, float PadY);

    private Mapping Preprocess(Mat src, Span<float> input, Span<long> target)
    {
        int fw = src.Width;
        int fh = src.Height;
        Mapping map;
        if (_letterbox)
        {
            float s = MathF.Min((float)_inW / fw, (float)_inH / fh);
            if (_roi is null || _roiFrameW != fw || _roiFrameH != fh)
            {
                int nw = Math.Clamp((int)MathF.Round(fw * s), 1, _inW);
                int nh = Math.Clamp((int)MathF.Round(fh * s), 1, _inH);
                _roi?.Dispose();
                _resized.SetTo(Scalar.All(114));
                _roi = new Mat(_resized, new Rect((_inW - nw) / 2, (_inH - nh) / 2, nw, nh));
                _roiFrameW = fw;
                _roiFrameH = fh;
            }

            Cv2.Resize(src, _roi, _roi.Size(), 0, 0, InterpolationFlags.Linear);
            var r = _roi.Size();
            map = new Mapping((float)r.Width / fw, (float)r.Height / fh, (_inW - r.Width) / 2, (_inH - r.Height) / 2);
        }
        else
        {
            Cv2.Resize(src, _resized, new Size(_inW, _inH), 0, 0, InterpolationFlags.Linear);
            map = new Mapping((float)_inW / fw, (float)_inH / fh, 0, 0);
        }

        if (!target.IsEmpty)
        {
            // RT-DETR deploy scales boxes to the size it is given: hand it the frame size for a plain resize, so boxes
            // come back in frame pixels; for letterbox hand it the input size and undo the padding ourselves.
            target[0] = _letterbox ? _inW : fw;
            target[1] = _letterbox ? _inH : fh;
            if (!_letterbox)
            {
                map = new Mapping(1, 1, 0, 0);
            }
        }

        FillInput(input);
        return map;
    }

    private unsafe void FillInput(Span<float> input)
    {
        int w = _inW;
        int h = _inH;
        int plane = w * h;
        long step = _resized.Step();
        byte* basePtr = (byte*)_resized.DataPointer;
        int cr = _swapRb ? 2 : 0; // source channel written to plane 0
        int cb = _swapRb ? 0 : 2;
        fixed (float* dst = input)
        fixed (float* lut = _lut)
        {
            float* p0 = dst;
            float* p1 = dst + plane;
            float* p2 = dst + (2 * plane);
            float* l0 = lut;
            float* l1 = lut + 256;
            float* l2 = lut + 512;
            for (int y = 0; y < h; y++)
            {
                byte* row = basePtr + (y * step);
                int o = y * w;
                for (int x = 0; x < w; x++)
                {
                    byte* px = row + (3 * x);
                    p0[o + x] = l0[px[cr]];
                    p1[o + x] = l1[px[1]];
                    p2[o + x] = l2[px[cb]];
                }
            }
        }
    }

    private void EnsureScratch(int n)
    {
        if (_candKey.Length >= n)
        {
            return;
        }

        _candKey = new float[n];
        _candIndex = new int[n];
        _candQuery = new int[n];
        _candClass = new int[n];
        _candScore = new float[n];
        _candBox = new BoxF[n];
        _suppressed = new bool[n];
    }

    private bool Keep(int cls, float score) =>
        score >= _options.ScoreThreshold && (_filter is null || _filter.Contains(cls));

    private Detections Decode(IReadOnlyList<OrtValue> outputs, Mapping map, int frameW, int frameH, int b, int batch)
    {
        int n = _layout switch
        {
            OutputLayout.RtDetr => DecodeRtDetr(outputs, map, b, batch),
            OutputLayout.Detr => DecodeDetr(outputs, map, b, batch),
            _ => DecodeRfDetr(outputs, map, b, batch),
        };

        // Highest score first (keys are negated scores; ties keep a deterministic order from the sort).
        for (int i = 0; i < n; i++)
        {
            _candKey[i] = -_candScore[i];
            _candIndex[i] = i;
        }

        Array.Sort(_candKey, _candIndex, 0, n);
        int kept = 0;
        Array.Clear(_suppressed, 0, n);
        int max = Math.Max(0, _options.MaxDetections);
        for (int a = 0; a < n && kept < max; a++)
        {
            if (_suppressed[a])
            {
                continue;
            }

            kept++;
            if (_options.ClassAwareNms)
            {
                int ia = _candIndex[a];
                for (int c = a + 1; c < n; c++)
                {
                    int ic = _candIndex[c];
                    if (!_suppressed[c] && _candClass[ic] == _candClass[ia] && _candBox[ia].IoU(_candBox[ic]) > _options.NmsIouThreshold)
                    {
                        _suppressed[c] = true;
                    }
                }
            }
        }

        var boxes = new BoxF[kept];
        var scores = new float[kept];
        var classes = new int[kept];
        ReadOnlySpan<float> hidden = default;
        int d = 0;
        int hiddenRows = 0;
        if (_tap is not null)
        {
            var hv = outputs[_layout == OutputLayout.RtDetr ? 3 : 2];
            var shape = hv.GetTensorTypeAndShape().Shape;
            d = (int)shape[^1];
            hidden = Item<float>(hv, b, batch);
            hiddenRows = hidden.Length / Math.Max(1, d);
        }

        float[]? emb = _tap is not null ? new float[kept * d] : null;
        int k = 0;
        for (int a = 0; a < n && k < kept; a++)
        {
            if (_suppressed[a])
            {
                continue;
            }

            int i = _candIndex[a];
            boxes[k] = _candBox[i].Clip(frameW, frameH);
            scores[k] = _candScore[i];
            classes[k] = _candClass[i];
            if (emb is not null)
            {
                int q = _candQuery[i];
                if ((uint)q >= (uint)hiddenRows)
                {
                    throw new InvalidOperationException($"Embedding tap: query index {q} outside the {hiddenRows} decoder rows.");
                }

                hidden.Slice(q * d, d).CopyTo(emb.AsSpan(k * d, d));
            }

            k++;
        }

        return new Detections(boxes, scores, classes, emb, emb is null ? 0 : d);
    }

    private static ReadOnlySpan<T> Item<T>(OrtValue value, int b, int batch)
        where T : unmanaged
    {
        ReadOnlySpan<T> all = value.GetTensorDataAsSpan<T>();
        int per = all.Length / batch;
        return all.Slice(b * per, per);
    }

    private static BoxF ToFrame(float x1, float y1, float x2, float y2, in Mapping m) =>
        new((x1 - m.PadX) / m.ScaleX, (y1 - m.PadY) / m.ScaleY, (x2 - m.PadX) / m.ScaleX, (y2 - m.PadY) / m.ScaleY);

    private int DecodeRtDetr(IReadOnlyList<OrtValue> outputs, in Mapping map, int b, int batch)
    {
        var labelsValue = outputs[0];
        ReadOnlySpan<float> boxes = Item<float>(outputs[1], b, batch);
        ReadOnlySpan<float> scores = Item<float>(outputs[2], b, batch);
        int rows = scores.Length;
        bool labels64 = labelsValue.GetTensorTypeAndShape().ElementDataType == TensorElementType.Int64;
        ReadOnlySpan<long> l64 = labels64 ? Item<long>(labelsValue, b, batch) : default;
        ReadOnlySpan<int> l32 = labels64 ? default : Item<int>(labelsValue, b, batch);
        ReadOnlySpan<long> query = _tap?.QueryIndexSource is not null ? Item<long>(outputs[4], b, batch) : default;
        EnsureScratch(rows);
        int n = 0;
        for (int r = 0; r < rows; r++)
        {
            int cls = labels64 ? (int)l64[r] : l32[r];
            float s = scores[r];
            if (!Keep(cls, s) || (!_options.AllClassesPerQuery && !IsQueryBest(r, query, boxes, scores, labels64 ? l64 : default, l32)))
            {
                continue;
            }

            var box = boxes.Slice(4 * r, 4);
            _candBox[n] = ToFrame(box[0], box[1], box[2], box[3], map);
            _candScore[n] = s;
            _candClass[n] = cls;
            _candQuery[n] = query.IsEmpty ? r : (int)query[r];
            n++;
        }

        return n;
    }

    /// <summary>
    /// Whether top-k row <paramref name="r"/> is its query's best row among the classes kept: no other row of the same
    /// query with a class that this call's filter (the image's own in a batch, else <see cref="DetrDetectorOptions.ClassFilter"/>) keeps scores higher (ties go to the earlier
    /// row). Rows of one query share the tapped query index; without the tap they share the query's box exactly (the
    /// deploy head gathers one box per query), which identifies the query just as well.
    /// </summary>
    private bool IsQueryBest(int r, ReadOnlySpan<long> query, ReadOnlySpan<float> boxes, ReadOnlySpan<float> scores, ReadOnlySpan<long> l64, ReadOnlySpan<int> l32)
    {
        float s = scores[r];
        ReadOnlySpan<float> box = boxes.Slice(4 * r, 4);
        IReadOnlySet<int>? filter = _filter;
        for (int o = 0; o < scores.Length; o++)
        {
            if (o == r || scores[o] < s || (scores[o] == s && o > r)
                || (filter is not null && !filter.Contains(l64.IsEmpty ? l32[o] : (int)l64[o])))
            {
                continue;
            }

            bool same = query.IsEmpty ? boxes.Slice(4 * o, 4).SequenceEqual(box) : query[o] == query[r];
            if (same)
            {
                return false;
            }
        }

        return true;
    }

    private int DecodeDetr(IReadOnlyList<OrtValue> outputs, in Mapping map, int b, int batch)
    {
        var logitsValue = outputs[0];
        int c1 = (int)logitsValue.GetTensorTypeAndShape().Shape[^1];
        ReadOnlySpan<float> logits = Item<float>(logitsValue, b, batch);
        ReadOnlySpan<float> boxes = Item<float>(outputs[1], b, batch);
        int queries = logits.Length / c1;
        EnsureScratch(queries);
        int n = 0;
        for (int q = 0; q < queries; q++)
        {
            var l = logits.Slice(q * c1, c1);
            float max = float.NegativeInfinity;
            for (int c = 0; c < c1; c++)
            {
                max = MathF.Max(max, l[c]);
            }

            float sum = 0;
            int best = 0;
            for (int c = 0; c < c1; c++)
            {
                sum += MathF.Exp(l[c] - max);
                if (c < c1 - 1 && l[c] > l[best])
                {
                    best = c;
                }
            }

            float score = MathF.Exp(l[best] - max) / sum;
            if (!Keep(best, score))
            {
                continue;
            }

            _candBox[n] = NormalizedCxcywh(boxes.Slice(4 * q, 4), map);
            _candScore[n] = score;
            _candClass[n] = best;
            _candQuery[n] = q;
            n++;
        }

        return n;
    }

    private int DecodeRfDetr(IReadOnlyList<OrtValue> outputs, in Mapping map, int b, int batch)
    {
        var logitsValue = outputs[0];
        int classes = (int)logitsValue.GetTensorTypeAndShape().Shape[^1];
        ReadOnlySpan<float> logits = Item<float>(logitsValue, b, batch);
        ReadOnlySpan<float> boxes = Item<float>(outputs[1], b, batch);
        EnsureScratch(logits.Length);
        int n = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float score = 1f / (1f + MathF.Exp(-logits[i]));
            int q = i / classes;
            int cls = i - (q * classes);
            if (!Keep(cls, score) || (!_options.AllClassesPerQuery && !IsBestClass(logits.Slice(q * classes, classes), cls, _filter)))
            {
                continue;
            }

            _candBox[n] = NormalizedCxcywh(boxes.Slice(4 * q, 4), map);
            _candScore[n] = score;
            _candClass[n] = cls;
            _candQuery[n] = q;
            n++;
        }

        return n;
    }

    /// <summary>Whether <paramref name="cls"/> is the query's arg-max class among those <paramref name="filter"/> keeps (ties go to the lower class id).</summary>
    private static bool IsBestClass(ReadOnlySpan<float> logits, int cls, IReadOnlySet<int>? filter)
    {
        float l = logits[cls];
        for (int c = 0; c < logits.Length; c++)
        {
            if ((logits[c] > l || (logits[c] == l && c < cls)) && (filter is null || filter.Contains(c)))
            {
                return false;
            }
        }

        return true;
    }

    private BoxF NormalizedCxcywh(ReadOnlySpan<float> b, in Mapping map)
    {
        float cx = b[0] * _inW;
        float cy = b[1] * _inH;
        float hw = 0.5f * b[2] * _inW;
        float hh = 0.5f * b[3] * _inH;
        return ToFrame(cx - hw, cy - hh, cx + hw, cy + hh, map);
    }
}
