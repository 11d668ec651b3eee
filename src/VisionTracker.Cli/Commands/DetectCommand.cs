using System.CommandLine;
using System.Globalization;
using System.Text;
using VisionTracker.Data;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack detect SOURCE</c>: runs the detector alone and prints one JSON line per frame.</summary>
internal static class DetectCommand
{
    /// <summary>The model used when <c>--model</c> is not given.</summary>
    public const string DefaultModelFile = "deimv2_hgnetv2_femto_coco.onnx";

    private static readonly Dictionary<string, string> ModelAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["femto"] = "deimv2_hgnetv2_femto_coco.onnx",
        ["atto"] = "deimv2_hgnetv2_atto_coco.onnx",
    };

    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Video file." };
        var model = new Option<string?>("--model") { Description = "Model: femto, atto or a path to an .onnx file (default: femto from models/)." };
        var conf = new Option<float>("--conf") { Description = "Minimum score.", DefaultValueFactory = _ => 0.35f };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated COCO class names to keep, e.g. bottle,person." };
        var device = new Option<string>("--device") { Description = "cpu, cuda[:id], tensorrt[:id] or auto.", DefaultValueFactory = _ => "cpu" };
        var output = new Option<string?>("--out") { Description = "Write the JSON lines to this file instead of standard output." };
        var frames = new Option<int?>("--frames") { Description = "Stop after this many frames." };
        var threads = new Option<int?>("--threads") { Description = "ONNX Runtime intra-op threads (default: one per core)." };
        var nms = new Option<bool>("--nms") { Description = "Class-aware NMS (off by default)." };
        var noTap = new Option<bool>("--no-embeddings") { Description = "Do not tap the decoder embeddings." };
        var timings = new Option<bool>("--timings") { Description = "Print mean ms per frame for pre, infer and post to standard error at the end." };
        var warmup = new Option<int>("--warmup") { Description = "Frames excluded from --timings (ORT's first runs are slow).", DefaultValueFactory = _ => 5 };
        var cmd = new Command("detect", "Run the detector on a source and print per-frame detections as JSON lines.")
        {
            source, model, conf, classes, device, output, frames, threads, nms, noTap, timings, warmup,
        };
        cmd.SetHandler((p, ct) =>
        {
            IReadOnlySet<int>? filter = null;
            if (p.GetValue(classes) is { Length: > 0 } names)
            {
                try
                {
                    filter = CocoClasses.Parse(names);
                }
                catch (ArgumentException ex)
                {
                    throw new VisionTrackerException(ex.Message, ex);
                }
            }

            var options = new DetrDetectorOptions
            {
                ModelPath = ResolveModel(p.GetValue(model)),
                ScoreThreshold = p.GetValue(conf),
                ClassFilter = filter,
                ExecutionProvider = p.GetValue(device) ?? "cpu",
                ClassAwareNms = p.GetValue(nms),
                EnableEmbeddingTap = !p.GetValue(noTap),
                IntraOpThreads = p.GetValue(threads) ?? Environment.ProcessorCount,
            };
            using var detector = new DetrDetector(options);
            using var src = new VideoFileSource(p.GetRequiredValue(source));
            string? outPath = p.GetValue(output);
            using var writer = outPath is null ? null : new StreamWriter(outPath, append: false, new UTF8Encoding(false));
            var sink = writer ?? Console.Out;
            int limit = p.GetValue(frames) ?? int.MaxValue;
            int warm = Math.Max(0, p.GetValue(warmup));
            var sb = new StringBuilder();
            int n = 0;
            while (n < limit && src.Read(ct) is { } frame)
            {
                using (frame)
                {
                    if (n == warm)
                    {
                        detector.Timings.Reset();
                    }

                    var dets = detector.Detect(frame.Image);
                    sb.Clear();
                    AppendJson(sb, frame.Index, frame.TimestampSeconds, dets, detector.Info.ClassNames);
                    sink.WriteLine(sb.ToString());
                    n++;
                }
            }

            sink.Flush();
            if (p.GetValue(timings))
            {
                var (count, pre, infer, post) = detector.Timings.Snapshot();
                var i = detector.Info;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timings {i.ModelName} {i.InputWidth}x{i.InputHeight} {i.ExecutionProvider} threads={options.IntraOpThreads} tap={(i.EmbeddingDim > 0 ? i.EmbeddingDim.ToString(CultureInfo.InvariantCulture) : "off")}: frames={count} (after {Math.Min(warm, n)} warm-up) pre={pre:0.00} ms infer={infer:0.00} ms post={post:0.00} ms total={pre + infer + post:0.00} ms"));
            }

            return Task.FromResult(ExitCodes.Ok);
        });
        return cmd;
    }

    /// <summary>Resolves <c>--model</c>: an alias (femto, atto), a path, or the default file from the data folders.</summary>
    internal static string ResolveModel(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            value = DefaultModelFile;
        }
        else if (ModelAliases.TryGetValue(value, out string? file))
        {
            value = file;
        }

        if (File.Exists(value))
        {
            return value;
        }

        return DataPaths.Find("models", Path.GetFileName(value))
            ?? throw new VisionTrackerException($"Model not found: {value}. Give a path to an .onnx file, or put it in models/ (or set VISIONTRACKER_DATA).");
    }

    internal static void AppendJson(StringBuilder sb, long frame, double time, Detections dets, IReadOnlyList<string> classNames)
    {
        var ic = CultureInfo.InvariantCulture;
        sb.Append(ic, $"{{\"frame\":{frame},\"time\":{time:0.###},\"detections\":[");
        for (int i = 0; i < dets.Count; i++)
        {
            var b = dets.Boxes[i];
            int c = dets.ClassIds[i];
            string name = c >= 0 && c < classNames.Count ? classNames[c] : CocoClasses.NameOf(c);
            if (i > 0)
            {
                sb.Append(',');
            }

            sb.Append(ic, $"{{\"box\":[{b.X1:0.#},{b.Y1:0.#},{b.X2:0.#},{b.Y2:0.#}],\"class\":{c},\"name\":\"{name}\",\"score\":{dets.Scores[i]:0.####},\"embedding_norm\":");
            if (dets.HasEmbeddings)
            {
                var e = dets.Embedding(i);
                sb.Append(ic, $"{MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.Dot(e, e)):0.###}");
            }
            else
            {
                sb.Append("null");
            }

            sb.Append('}');
        }

        sb.Append("]}");
    }
}
