using System.Globalization;
using System.Reflection;
using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Evaluation;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Tracking;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Benchmarks;

/// <summary>
/// Tracker ablation on real data (docs/tracking-quality.md): <c>dotnet run -c Release --project
/// tests/VisionTracker.Benchmarks -- tracking [variant ...]</c>, each variant <c>name:Option=value;Option=value</c>
/// over <see cref="TrackerOptions"/> (the name alone is the defaults). Detections are computed once and cached under
/// <c>$VTRACK_CACHE</c> (default /tmp/vtrack-det-cache): Femto person detections (score ≥ 0.1, plain resize to 416)
/// with decoder and OSNet embeddings, for TUD-Campus, the 7 MOT17-mini sequences and store-aisle.mp4.
/// Prints HOTA/DetA/AssA/MOTA/IDF1/IDSW/FP plus "pairs": output box pairs with IoU &gt; 0.6 in one frame.
/// </summary>
internal static class TrackingAblation
{
    private static readonly string[] Mot17 =
    [
        "MOT17-mini/train/MOT17-02-FRCNN", "MOT17-mini/train/MOT17-04-FRCNN", "MOT17-mini/train/MOT17-05-FRCNN",
        "MOT17-mini/train/MOT17-09-FRCNN", "MOT17-mini/train/MOT17-10-FRCNN", "MOT17-mini/train/MOT17-11-FRCNN",
        "MOT17-mini/train/MOT17-13-FRCNN",
    ];

    private static bool s_gmc;

    private static string Data => Environment.GetEnvironmentVariable("VISIONTRACKER_DATA") ?? "/work/shared";

    private static string CacheDir => Environment.GetEnvironmentVariable("VTRACK_CACHE") ?? "/tmp/vtrack-det-cache";

    public static void Run(string[] args)
    {
        var variants = args.Length == 0 ? ["default"] : args;
        var trackers = (Environment.GetEnvironmentVariable("VTRACK_TRACKERS") ?? "att,osnet,iou,byte").Split(',');
        var sets = (Environment.GetEnvironmentVariable("VTRACK_SETS") ?? "tud1,tud3,det1,det3,mot17,aisle").Split(',');
        Console.WriteLine("| variant | tracker | set | HOTA | DetA | AssA | LocA | MOTA | IDF1 | IDSW | FP | FN | pairs | ids |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string v in variants)
        {
            (string name, TrackerOptions options) = Parse(v);
            foreach (string tr in trackers)
            {
                foreach (string set in sets)
                {
                    var s = Evaluate(set, tr, options);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {tr} | {set} | {s.Get("HOTA"):0.00} | {s.Get("DetA"):0.00} | {s.Get("AssA"):0.00} | {s.Get("LocA"):0.00} | {s.Get("MOTA"):0.00} | {s.Get("IDF1"):0.00} | {s.Get("IDSW"):0} | {s.Get("CLR_FP"):0} | {s.Get("CLR_FN"):0} | {s.Get("pairs"):0} | {s.Get("ids"):0} |"));
                }
            }
        }
    }

    /// <summary>
    /// Cost of <see cref="CameraMotionEstimator.Estimate(OpenCvSharp.Mat)"/> per frame against the Femto detector's on the same decoded
    /// frames, interleaved in one run (3 rounds, minimum per frame summed), so the ratio holds on a loaded machine.
    /// </summary>
    public static void GmcCost()
    {
        using var det = Detector();
        foreach (string seq in new[] { "TUD-Campus", "MOT17-mini/train/MOT17-04-FRCNN", "MOT17-mini/train/MOT17-13-FRCNN" })
        {
            var frames = new List<OpenCvSharp.Mat>();
            using (var src = new MotSequenceSource(Path.Combine(Data, "datasets", seq), new FrameSourceOptions { Warn = static _ => { } }))
            {
                while (src.Read() is { } f)
                {
                    frames.Add(f.Image.Clone());
                    f.Dispose();
                }
            }

            var gmcMin = Enumerable.Repeat(double.MaxValue, frames.Count).ToArray();
            var detMin = Enumerable.Repeat(double.MaxValue, frames.Count).ToArray();
            int side = int.Parse(Environment.GetEnvironmentVariable("VTRACK_GMC_SIDE") ?? "320", CultureInfo.InvariantCulture);
            int corners = int.Parse(Environment.GetEnvironmentVariable("VTRACK_GMC_CORNERS") ?? "200", CultureInfo.InvariantCulture);
            using var est = new CameraMotionEstimator(side, corners)
            {
                MaxForwardBackwardError = float.Parse(Environment.GetEnvironmentVariable("VTRACK_GMC_FB") ?? "0.5", CultureInfo.InvariantCulture),
            };
            for (int round = 0; round < 3; round++)
            {
                est.Reset();
                for (int k = 0; k < frames.Count; k++)
                {
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    est.Estimate(frames[k]);
                    long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                    det.Detect(frames[k]);
                    long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
                    gmcMin[k] = Math.Min(gmcMin[k], (t1 - t0) * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
                    detMin[k] = Math.Min(detMin[k], (t2 - t1) * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
                }
            }

            // Frame 0 has no previous frame (no corners tracked): leave it out of the GMC mean.
            double g = gmcMin.Skip(1).Average(), d = detMin.Average();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{seq} {frames[0].Width}x{frames[0].Height}, {frames.Count} frames: GMC {g:0.00} ms/frame, Femto detection {d:0.0} ms/frame, ratio GMC/detection {g / d:0.000}"));
            frames.ForEach(m => m.Dispose());
        }
    }

    /// <summary>
    /// The camera motion CameraMotionEstimator reports on each source (a video, or a MOT sequence folder): centre
    /// displacement in px/frame (mean, 95th percentile, max) and the frame pairs it did not estimate. A fixed camera should
    /// read near 0 everywhere; false motion on low-texture scenes shows in p95 and max.
    /// </summary>
    public static void GmcMotion(string[] sources)
    {
        foreach (string spec in sources)
        {
            using var src = FrameSource.Open(spec, new FrameSourceOptions { Warn = static _ => { } });
            using var est = new CameraMotionEstimator
            {
                MaxForwardBackwardError = float.Parse(Environment.GetEnvironmentVariable("VTRACK_GMC_FB") ?? "0.5", CultureInfo.InvariantCulture),
            };
            bool verbose = Environment.GetEnvironmentVariable("VTRACK_GMC_VERBOSE") == "1";
            // VTRACK_GMC_MASK=CLASSES: detect with Femto (score >= 0.1; "all" or comma-separated COCO ids) and mask the objects.
            string? maskClasses = Environment.GetEnvironmentVariable("VTRACK_GMC_MASK");
            using DetrDetector? det = maskClasses is null ? null : new DetrDetector(new DetrDetectorOptions
            {
                ModelPath = Path.Combine(Data, "models", "deimv2_hgnetv2_femto_coco.onnx"),
                ScoreThreshold = 0.1f,
                ClassFilter = maskClasses == "all" ? null : maskClasses.Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToHashSet(),
                EnableEmbeddingTap = false,
                Log = static _ => { },
            });
            var d = new List<double>();
            int frames = 0, unestimated = 0;
            while (src.Read() is { } f)
            {
                using (f)
                {
                    var a = est.Estimate(f.Image, det?.Detect(f.Image));
                    if (frames++ > 0)
                    {
                        d.Add(CameraMotionStats.CentreDisplacement(a, f.Image.Width, f.Image.Height));
                        unestimated += est.LastInliers == 0 ? 1 : 0;
                        if (verbose)
                        {
                            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {frames - 1}: {d[^1]:0.00} px, tracked {est.LastTracked}, inliers {est.LastInliers}"));
                        }
                    }
                }
            }

            d.Sort();
            double p95 = d.Count == 0 ? 0 : d[(int)Math.Min(d.Count - 1, Math.Round(0.95 * (d.Count - 1)))];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(spec.TrimEnd('/'))}: {frames} frames, motion mean {(d.Count == 0 ? 0 : d.Average()):0.00} / p95 {p95:0.00} / max {(d.Count == 0 ? 0 : d[^1]):0.00} px/frame, {unestimated} pairs not estimated"));
        }
    }

    /// <summary>
    /// Precision of the cached Femto person detections (score ≥ 0.1, every frame) by score band and box height (share of
    /// the frame height), on TUD-Campus and on MOT17-mini combined: each frame's detections, best score first, take the
    /// unmatched ground-truth box of highest IoU ≥ 0.5; MOT17 boxes matched to a non-pedestrian class are left out.
    /// </summary>
    public static void DetectionPrecision()
    {
        var counts = new SortedDictionary<(string Set, int Band, string Height), (int Tp, int Fp)>();
        foreach (string seq in new[] { "TUD-Campus" }.Concat(Mot17))
        {
            string set = seq == "TUD-Campus" ? "TUD-Campus" : "MOT17-mini";
            SequenceDetections d = Load(seq, false);
            var gt = File.ReadLines(Path.Combine(Data, "datasets", seq, "gt", "gt.txt"))
                .Select(l => l.Split(','))
                .Where(f => f.Length >= 6)
                .Select(f => (Frame: int.Parse(f[0], CultureInfo.InvariantCulture), Box: BoxF.FromXywh(float.Parse(f[2], CultureInfo.InvariantCulture), float.Parse(f[3], CultureInfo.InvariantCulture), float.Parse(f[4], CultureInfo.InvariantCulture), float.Parse(f[5], CultureInfo.InvariantCulture)), Class: f.Length > 7 ? int.Parse(f[7], CultureInfo.InvariantCulture) : 1))
                .ToLookup(g => g.Frame);
            for (int k = 0; k < d.Frames.Count; k++)
            {
                Detections f = d.Frames[k];
                var g = gt[k + 1].ToList();
                var used = new bool[g.Count];
                foreach (int i in Enumerable.Range(0, f.Count).OrderByDescending(i => f.Scores[i]))
                {
                    int best = -1;
                    float bestIou = 0.5f;
                    for (int j = 0; j < g.Count; j++)
                    {
                        float iou = used[j] ? 0 : f.Boxes[i].IoU(g[j].Box);
                        if (iou >= bestIou)
                        {
                            (best, bestIou) = (j, iou);
                        }
                    }

                    if (best >= 0)
                    {
                        used[best] = true;
                        if (g[best].Class != 1)
                        {
                            continue;
                        }
                    }

                    float rel = f.Boxes[i].Height / d.Height;
                    var key = (set, (int)MathF.Floor(f.Scores[i] * 10), rel < 0.2f ? "< 20%" : rel < 0.4f ? "20-40%" : ">= 40%");
                    var (tp, fp) = counts.GetValueOrDefault(key);
                    counts[key] = best >= 0 ? (tp + 1, fp) : (tp, fp + 1);
                }
            }
        }

        Console.WriteLine("| set | score band | box height | TP | FP | precision |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var ((set, band, height), (tp, fp)) in counts.Where(c => c.Key.Band >= 3))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {set} | {band / 10.0:0.0}-{(band + 1) / 10.0:0.0} | {height} | {tp} | {fp} | {tp / (double)(tp + fp):0.00} |"));
        }
    }

    private static double Get(this IReadOnlyDictionary<string, double> d, string k) => d.TryGetValue(k, out double v) ? v : double.NaN;

    private static (string Name, TrackerOptions Options) Parse(string spec)
    {
        int colon = spec.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? spec : spec[..colon];
        var o = new TrackerOptions();
        s_gmc = false;
        if (colon >= 0)
        {
            foreach (string kv in spec[(colon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] p = kv.Split('=');
                if (p[0] == "GMC")
                {
                    // Harness option, not a TrackerOptions member: camera-motion compensation from the images.
                    s_gmc = p[1] is "1" or "true";
                    continue;
                }

                PropertyInfo prop = typeof(TrackerOptions).GetProperty(p[0]) ?? throw new ArgumentException($"no option {p[0]}");
                object value = prop.PropertyType.IsEnum ? Enum.Parse(prop.PropertyType, p[1]) : Convert.ChangeType(p[1], prop.PropertyType, CultureInfo.InvariantCulture);
                prop.SetValue(o, value);
            }
        }

        o.Validate();
        return (name, o);
    }

    private static IReadOnlyDictionary<string, double> Evaluate(string set, string tracker, TrackerOptions options)
    {
        bool reid = tracker == "osnet";
        if (set.StartsWith("det", StringComparison.Ordinal) && int.TryParse(set[3..], CultureInfo.InvariantCulture, out int detStep))
        {
            // TUD-Campus public det.txt: OSNet embeddings for the osnet tracker, none otherwise (att = IoU first stage).
            var dets = LoadDetTxt("TUD-Campus", reid).EveryKth(detStep);
            var result = Track(dets, tracker, options, Motion("TUD-Campus", detStep));
            if (Environment.GetEnvironmentVariable("VTRACK_PRED") is { Length: > 0 } predFile)
            {
                result = MotChallengeFormat.Read(predFile);
            }
            if (Environment.GetEnvironmentVariable("VTRACK_DUMP") is { Length: > 0 } dumpDir)
            {
                Directory.CreateDirectory(dumpDir);
                MotChallengeFormat.Write(Path.Combine(dumpDir, $"{tracker}-{set}.txt"), result);
            }

            return new Dictionary<string, double>(Score("TUD-Campus", detStep, result)) { ["pairs"] = Pairs(result), ["ids"] = result.Rows.Select(r => r.Id).Distinct().Count() };
        }

        if (set.StartsWith("mot17x", StringComparison.Ordinal) && int.TryParse(set[6..], CultureInfo.InvariantCulture, out int motStep))
        {
            var parts = new List<SequenceMetrics>();
            foreach (string s in Mot17)
            {
                parts.Add(ScoreParts(s, motStep, Track(Load(s, reid).EveryKth(motStep), tracker, options, Motion(s, motStep))));
            }

            return new Dictionary<string, double>(SequenceMetrics.Combine(parts).Summary());
        }

        int tudStep = 1;
        if (set.StartsWith("tud", StringComparison.Ordinal) && int.TryParse(set[3..], CultureInfo.InvariantCulture, out tudStep))
        {
            set = "tud";
        }

        switch (set)
        {
            case "tud":
                {
                    int step = tudStep;
                    var dets = Load("TUD-Campus", reid).EveryKth(step);
                    var result = Track(dets, tracker, options, Motion("TUD-Campus", step));
                    if (Environment.GetEnvironmentVariable("VTRACK_DUMP") is { Length: > 0 } dump)
                    {
                        Directory.CreateDirectory(dump);
                        MotChallengeFormat.Write(Path.Combine(dump, $"{tracker}-{set}.txt"), result);
                    }

                    var d = new Dictionary<string, double>(Score("TUD-Campus", step, result)) { ["pairs"] = Pairs(result), ["ids"] = result.Rows.Select(r => r.Id).Distinct().Count() };
                    return d;
                }

            case "mot17":
                {
                    var parts = new List<SequenceMetrics>();
                    int pairs = 0;
                    foreach (string s in Mot17)
                    {
                        var result = Track(Load(s, reid), tracker, options, Motion(s, 1));
                        pairs += Pairs(result);
                        parts.Add(ScoreParts(s, 1, result));
                    }

                    return new Dictionary<string, double>(SequenceMetrics.Combine(parts).Summary()) { ["pairs"] = pairs };
                }

            default:
                {
                    if (set.StartsWith("mot17-", StringComparison.Ordinal))
                    {
                        string s = Mot17.First(x => x.Contains(set[6..], StringComparison.Ordinal));
                        var result = Track(Load(s, reid), tracker, options, Motion(s, 1));
                        return new Dictionary<string, double>(Score(s, 1, result)) { ["pairs"] = Pairs(result) };
                    }

                    var aisle = Track(LoadVideo("store-aisle.mp4", reid), tracker, options);
                    if (Environment.GetEnvironmentVariable("VTRACK_DUMP") is { Length: > 0 } dumpAisle)
                    {
                        Directory.CreateDirectory(dumpAisle);
                        MotChallengeFormat.Write(Path.Combine(dumpAisle, $"{tracker}-aisle.txt"), aisle);
                    }

                    return new Dictionary<string, double> { ["pairs"] = Pairs(aisle), ["ids"] = aisle.Rows.Select(r => r.Id).Distinct().Count(), ["CLR_FP"] = aisle.Rows.Count };
                }
        }
    }

    private static TrackSequence Track(SequenceDetections dets, string tracker, TrackerOptions options, IReadOnlyList<Affine2>? motion = null)
    {
        ITracker t = tracker switch
        {
            "iou" => new IouTracker(options),
            "byte" or "byte-s" => new ByteTrackReference(),
            _ => new CrossAttentionTracker(options),
        };
        // "geo": the attention tracker on the same detections with the embeddings dropped (a det file without its sidecar).
        var seq = SequenceTracking.Track(tracker == "geo" ? dets.WithoutEmbeddings() : dets, t, s_gmc ? motion : null);
        // VTRACK_INTERP=N: offline gap interpolation of up to N missing frames (vtrack track --interpolate N).
        seq = int.TryParse(Environment.GetEnvironmentVariable("VTRACK_INTERP"), CultureInfo.InvariantCulture, out int gap) && gap > 0
            ? GapInterpolation.Fill(seq, gap)
            : seq;
        // The exports' temporal box smoothing (vtrack track --smooth, default TrackSmoothing.DefaultSigmaSeconds) for the
        // project's trackers; "byte" stays as the published code outputs (the DATA.md reference), "byte-s" gets the
        // same smoothing for a like-for-like row. VTRACK_SMOOTH=SECONDS overrides the sigma (0: off).
        double sigma = double.TryParse(Environment.GetEnvironmentVariable("VTRACK_SMOOTH"), CultureInfo.InvariantCulture, out double v) ? v : TrackSmoothing.DefaultSigmaSeconds;
        return tracker == "byte" ? seq : TrackSmoothing.Smooth(seq, sigma, dets.Fps / dets.Step);
    }

    /// <summary>Output box pairs with IoU &gt; 0.6 in one frame (one object given two tracks).</summary>
    internal static int Pairs(TrackSequence seq)
    {
        int n = 0;
        foreach (var frame in seq.Rows.GroupBy(r => r.Frame))
        {
            var boxes = frame.Select(r => BoxF.FromXywh((float)r.Left, (float)r.Top, (float)r.Width, (float)r.Height)).ToArray();
            for (int i = 0; i < boxes.Length; i++)
            {
                for (int j = i + 1; j < boxes.Length; j++)
                {
                    if (boxes[i].IoU(boxes[j]) > 0.6f)
                    {
                        n++;
                    }
                }
            }
        }

        return n;
    }

    private static SequenceMetrics ScoreParts(string sequence, int step, TrackSequence result)
    {
        TrackSequence gt = SequenceTracking.ReadGroundTruth(Path.Combine(Data, "datasets", sequence), step);
        var bench = gt.SourceColumns == 7 ? EvalBenchmark.Mot15 : EvalBenchmark.Mot17;
        return MotEvaluator.Score(MotPreprocessor.Prepare(gt.Name, gt, result, gt.FrameCount, bench), new EvalOptions());
    }

    private static IReadOnlyDictionary<string, double> Score(string sequence, int step, TrackSequence result) => ScoreParts(sequence, step, result).Summary();

    private static DetrDetector Detector() => new(new DetrDetectorOptions
    {
        ModelPath = Path.Combine(Data, "models", "deimv2_hgnetv2_femto_coco.onnx"),
        ScoreThreshold = 0.1f,
        ClassFilter = new HashSet<int> { 0 },
        AllClassesPerQuery = Environment.GetEnvironmentVariable("VTRACK_ALL_LABELS") == "1",
        Log = static _ => { },
    });

    private static SequenceDetections Load(string sequence, bool reid)
    {
        string file = Path.Combine(CacheDir, sequence.Replace('/', '_') + (reid ? ".osnet" : ".dec") + ".bin");
        if (File.Exists(file))
        {
            return Read(file);
        }

        Directory.CreateDirectory(CacheDir);
        string dir = Path.Combine(Data, "datasets", sequence);
        SequenceDetections d;
        if (reid)
        {
            using var emb = new ReidEmbedder(Path.Combine(Data, "models", "osnet_x0_25_msmt17.onnx"));
            d = SequenceTracking.EmbedWithReid(dir, Load(sequence, false), emb);
        }
        else
        {
            using var det = Detector();
            d = SequenceTracking.Detect(dir, det, 1, new HashSet<int> { 0 }, 0.1f);
        }

        Write(file, d);
        return d;
    }

    /// <summary>Camera motion per kept frame (cached), or null when the variant does not ask for it.</summary>
    private static Affine2[]? Motion(string sequence, int step)
    {
        if (!s_gmc)
        {
            return null;
        }

        string file = Path.Combine(CacheDir, sequence.Replace('/', '_') + $".gmcm{step}.bin"); // gmcm: estimated with the person detections masked
        if (File.Exists(file))
        {
            using var r = new BinaryReader(File.OpenRead(file));
            var m = new Affine2[r.ReadInt32()];
            for (int k = 0; k < m.Length; k++)
            {
                m[k] = new Affine2(r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
            }

            return m;
        }

        Directory.CreateDirectory(CacheDir);
        using var est = new CameraMotionEstimator();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var objects = (step == 1 ? Load(sequence, false) : Load(sequence, false).EveryKth(step)).Frames;
        Affine2[] motion = SequenceTracking.EstimateCameraMotion(Path.Combine(Data, "datasets", sequence), step, est, objects);
        string moves = string.Join(" ", motion.Select(a => string.Create(CultureInfo.InvariantCulture, $"({a.Tx:0.0},{a.Ty:0.0},s{a.Scale:0.000})")));
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gmc {sequence} step {step}: {motion.Length} frames, {sw.Elapsed.TotalMilliseconds / motion.Length:0.0} ms/frame incl. decode; ") + moves);
        using (var w = new BinaryWriter(File.Create(file)))
        {
            w.Write(motion.Length);
            foreach (Affine2 a in motion)
            {
                w.Write(a.A11);
                w.Write(a.A12);
                w.Write(a.Tx);
                w.Write(a.A21);
                w.Write(a.A22);
                w.Write(a.Ty);
            }
        }

        return motion;
    }

    /// <summary>TUD-Campus det.txt rows (quantile-normalised scores), with OSNet crops' embeddings when <paramref name="reid"/> (cached).</summary>
    private static SequenceDetections LoadDetTxt(string sequence, bool reid)
    {
        string dir = Path.Combine(Data, "datasets", sequence);
        if (!reid)
        {
            return SequenceTracking.ReadDetections(dir);
        }

        string file = Path.Combine(CacheDir, sequence.Replace('/', '_') + ".dettxt.osnet.bin");
        if (File.Exists(file))
        {
            return Read(file);
        }

        Directory.CreateDirectory(CacheDir);
        using var emb = new ReidEmbedder(Path.Combine(Data, "models", "osnet_x0_25_msmt17.onnx"));
        var d = SequenceTracking.EmbedWithReid(dir, SequenceTracking.ReadDetections(dir), emb);
        Write(file, d);
        return d;
    }

    private static SequenceDetections LoadVideo(string video, bool reid)
    {
        string file = Path.Combine(CacheDir, video + (reid ? ".osnet" : ".dec") + ".bin");
        if (File.Exists(file))
        {
            return Read(file);
        }

        Directory.CreateDirectory(CacheDir);
        using var det = Detector();
        using var emb = new ReidEmbedder(Path.Combine(Data, "models", "osnet_x0_25_msmt17.onnx"));
        using var src = new VideoFileSource(Path.Combine(Data, "videos", video));
        var frames = new List<Detections>();
        var framesReid = new List<Detections>();
        var times = new List<double>();
        while (src.Read() is { } f)
        {
            using (f)
            {
                var d = det.Detect(f.Image).WithClasses(new HashSet<int> { 0 }).WithMinScore(0.1f);
                frames.Add(d);
                framesReid.Add(emb.Embed(f.Image, d));
                times.Add(f.TimestampSeconds);
            }
        }

        var info = src.Info;
        var a = new SequenceDetections(video, info.Width, info.Height, info.Fps, 1, frames, times);
        Write(Path.Combine(CacheDir, video + ".dec.bin"), a);
        Write(Path.Combine(CacheDir, video + ".osnet.bin"), a with { Frames = framesReid });
        return Read(file);
    }

    private static void Write(string file, SequenceDetections d)
    {
        using var w = new BinaryWriter(File.Create(file));
        w.Write(d.Name);
        w.Write(d.Width);
        w.Write(d.Height);
        w.Write(d.Fps);
        w.Write(d.Step);
        w.Write(d.Frames.Count);
        for (int k = 0; k < d.Frames.Count; k++)
        {
            var f = d.Frames[k];
            w.Write(d.Timestamps[k]);
            w.Write(f.Count);
            w.Write(f.HasEmbeddings ? f.EmbeddingDim : 0);
            for (int i = 0; i < f.Count; i++)
            {
                var b = f.Boxes[i];
                w.Write(b.X1);
                w.Write(b.Y1);
                w.Write(b.X2);
                w.Write(b.Y2);
                w.Write(f.Scores[i]);
                w.Write(f.ClassIds[i]);
            }

            foreach (float e in f.Embeddings)
            {
                w.Write(e);
            }
        }
    }

    private static SequenceDetections Read(string file)
    {
        using var r = new BinaryReader(File.OpenRead(file));
        string name = r.ReadString();
        int width = r.ReadInt32(), height = r.ReadInt32();
        double fps = r.ReadDouble();
        int step = r.ReadInt32(), count = r.ReadInt32();
        var frames = new Detections[count];
        var times = new double[count];
        for (int k = 0; k < count; k++)
        {
            times[k] = r.ReadDouble();
            int n = r.ReadInt32(), dim = r.ReadInt32();
            var boxes = new BoxF[n];
            var scores = new float[n];
            var classes = new int[n];
            for (int i = 0; i < n; i++)
            {
                boxes[i] = new BoxF(r.ReadSingle(), r.ReadSingle(), r.ReadSingle(), r.ReadSingle());
                scores[i] = r.ReadSingle();
                classes[i] = r.ReadInt32();
            }

            float[]? emb = dim > 0 ? new float[n * dim] : null;
            for (int i = 0; emb is not null && i < emb.Length; i++)
            {
                emb[i] = r.ReadSingle();
            }

            frames[k] = new Detections(boxes, scores, classes, emb, dim);
        }

        return new SequenceDetections(name, width, height, fps, step, frames, times);
    }
}
