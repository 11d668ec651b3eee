using System.CommandLine;
using System.Globalization;
using System.Text;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack detect SOURCE</c>: runs the detector alone and prints one JSON line per frame.</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Video file." };
        var det = new DetectorOptions();
        var output = new Option<string?>("--out") { Description = "Write the JSON lines to this file instead of standard output." };
        var frames = new Option<int?>("--frames") { Description = "Stop after this many frames." };
        var timings = new Option<bool>("--timings") { Description = "Print mean ms per frame for pre, infer and post to standard error at the end." };
        var warmup = new Option<int>("--warmup") { Description = "Frames excluded from --timings (ORT's first runs are slow).", DefaultValueFactory = _ => 5 };
        var vectors = new Option<bool>("--embeddings") { Description = "Also write each detection's embedding vector (\"embedding\": [...], full float precision), e.g. to compare devices." };
        var cmd = new Command("detect", "Run the detector on a source and print per-frame detections as JSON lines.")
        {
            source, output, frames, timings, warmup, vectors,
        };
        det.AddTo(cmd);
        cmd.SetHandler((p, ct) =>
        {
            var options = det.Build(p);
            using var detector = new DetrDetector(options);
            using var src = VisionTracker.Video.FrameSource.Open(p.GetRequiredValue(source));
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
                    AppendJson(sb, frame.Index, frame.TimestampSeconds, dets, detector.Info.ClassNames, p.GetValue(vectors));
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

    internal static void AppendJson(StringBuilder sb, long frame, double time, Detections dets, IReadOnlyList<string> classNames, bool vectors = false)
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

            if (vectors && dets.HasEmbeddings)
            {
                sb.Append(",\"embedding\":[");
                var e = dets.Embedding(i);
                for (int k = 0; k < e.Length; k++)
                {
                    sb.Append(ic, $"{(k > 0 ? "," : string.Empty)}{e[k]:R}");
                }

                sb.Append(']');
            }

            sb.Append('}');
        }

        sb.Append("]}");
    }
}
