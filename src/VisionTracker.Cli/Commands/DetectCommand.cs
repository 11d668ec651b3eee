using System.CommandLine;
using System.Globalization;
using System.Text;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack detect SOURCE</c>: runs the detector alone and prints its rows, one JSON line per frame (0-based
/// <c>frame</c>) or MOT det.txt rows (1-based frames), every number exact (round-trip), at detect's own --conf.
/// </summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = SourceHelp.Text };
        var det = new DetectorOptions();
        var output = new Option<string?>("--out") { Description = "Write to this file instead of standard output." };
        var format = new Option<string>("--format") { Description = "jsonl: one JSON object per frame, \"frame\" 0-based (source frame index), boxes x1,y1,x2,y2; mot: MOT det.txt rows frame,-1,x,y,w,h,score,class,-1,-1 with 1-based frames, the layout `vtrack track --export detections` writes and --detections reads. Numbers are exact (round-trip) in both.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "mot");
        var frames = new Option<int?>("--frames") { Description = "Stop after this many frames." };
        var timings = new Option<bool>("--timings") { Description = "Print mean ms per frame for pre, infer and post to standard error at the end." };
        var warmup = new Option<int>("--warmup") { Description = "Frames excluded from --timings (ORT's first runs are slow).", DefaultValueFactory = _ => 5 };
        var vectors = new Option<bool>("--embeddings") { Description = "Also write each detection's embedding vector (\"embedding\": [...], full float precision) in JSON lines, e.g. to compare devices." };
        var cmd = new Command("detect", "Run the detector on a source and print its detections (JSON lines or MOT det.txt), exact, at detect's --conf (0.35; track gives its tracker every box from 0.1).")
        {
            source, output, format, frames, timings, warmup, vectors,
        };
        det.AddTo(cmd, confDescription: "Minimum detection score. detect's default 0.35 lists confident boxes; track, live and bench default to 0.1 because their tracker keeps low-score boxes to carry tracks through occlusion. Pass --conf 0.1 to see exactly what track's tracker gets.");
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
            bool mot = p.GetValue(format) == "mot";
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
                    if (mot)
                    {
                        VisionTracker.Pipeline.DetectionDump.AppendRows(sb, frame.Index, dets);
                        sink.Write(sb.ToString());
                    }
                    else
                    {
                        AppendJson(sb, frame.Index, frame.TimestampSeconds, dets, detector.Info.ClassNames, p.GetValue(vectors));
                        sink.WriteLine(sb.ToString());
                    }

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

    private static string Exact(float v) => VisionTracker.Pipeline.DetectionDump.Exact(v);

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

            sb.Append(ic, $"{{\"box\":[{Exact(b.X1)},{Exact(b.Y1)},{Exact(b.X2)},{Exact(b.Y2)}],\"class\":{c},\"name\":\"{name}\",\"score\":{Exact(dets.Scores[i])},\"embedding_norm\":");
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
