using System.Globalization;
using VisionTracker.Annotations;

namespace VisionTracker.Evaluation;

/// <summary>
/// Finds sequences and tracker files, preprocesses them as TrackEval's MotChallenge2DBox does and computes HOTA,
/// CLEAR and Identity per sequence and combined.
/// </summary>
/// <remarks>
/// Multi-class extension (not in TrackEval's MOT evaluator): every class id found in the considered ground truth
/// is scored on its own, with gt and tracker rows of that class only and no distractor preprocessing. Ids are
/// taken as they are inside each class ("class-agnostic ids per class"): a tracker id that changes class is two
/// separate tracks. Classes are then combined det-averaged into "ALL" (sums of counts, as combine_sequences), and
/// a class-averaged summary (mean of each score over classes that have data) is reported beside it.
/// </remarks>
internal static class MotEvaluator
{
    /// <summary>Name of the single class of MOT benchmarks.</summary>
    public const string Pedestrian = "pedestrian";

    /// <summary>Name of the multi-class combination.</summary>
    public const string AllClasses = "ALL";

    /// <summary>A ground-truth sequence on disk.</summary>
    internal sealed record GtSequence(string Name, string GtFile, string Folder);

    /// <summary>Scores a gt folder (TrackEval benchmark folder, MOT sequence folder or folder of sequences) against a prediction folder.</summary>
    public static EvalReport EvaluateFolders(string gtDir, string predDir, EvalOptions options)
    {
        var seqs = FindSequences(gtDir);
        if (!Directory.Exists(predDir))
        {
            throw new VisionTrackerException($"{predDir}: prediction folder not found; pass a folder holding <SEQ>.txt files.");
        }

        var pairs = new List<(string Name, TrackSequence Gt, TrackSequence Pred, int Steps, EvalBenchmark Bench)>();
        foreach (var s in seqs)
        {
            string? pred = FindPrediction(predDir, s.Name) ?? throw new VisionTrackerException($"{predDir}: no tracker file for sequence {s.Name}; expected {s.Name}.txt, data/{s.Name}.txt or {s.Name}.mot.txt (vtrack track --export mot).");
            var gt = MotChallengeFormat.Read(s.GtFile);
            var tr = MotChallengeFormat.Read(pred);
            var bench = options.Benchmark == EvalBenchmark.Auto ? DetectBenchmark(s, gt) : options.Benchmark;
            pairs.Add((s.Name, gt, tr, NumTimesteps(s, gt, tr), bench));
        }

        var report = new EvalReport();
        foreach (var p in pairs)
        {
            report.SequenceBenchmarks[p.Name] = p.Bench;
        }

        if (pairs.All(p => p.Bench != EvalBenchmark.MultiClass))
        {
            var perSeq = new Dictionary<string, SequenceMetrics>();
            foreach (var p in pairs)
            {
                perSeq[p.Name] = Score(MotPreprocessor.Prepare(p.Name, p.Gt, p.Pred, p.Steps, p.Bench), options);
            }

            perSeq[EvalReport.Combined] = SequenceMetrics.Combine(perSeq.Values.ToList());
            report.Classes[Pedestrian] = perSeq;
            return report;
        }

        var classIds = new SortedSet<int>(pairs.SelectMany(p => p.Gt.Rows.Where(r => r.Considered).Select(r => r.ClassId)));
        var classNames = new Dictionary<int, string>();
        foreach (int c in classIds)
        {
            string name = pairs.Select(p => p.Gt.ClassNames.GetValueOrDefault(c)).FirstOrDefault(n => n is not null) ?? "class" + c.ToString(CultureInfo.InvariantCulture);
            classNames[c] = name;
            var perSeq = new Dictionary<string, SequenceMetrics>();
            foreach (var p in pairs)
            {
                perSeq[p.Name] = Score(MotPreprocessor.Prepare(p.Name, p.Gt, p.Pred, p.Steps, EvalBenchmark.MultiClass, c), options);
            }

            perSeq[EvalReport.Combined] = SequenceMetrics.Combine(perSeq.Values.ToList());
            report.Classes[name] = perSeq;
        }

        var all = new Dictionary<string, SequenceMetrics>();
        foreach (string seq in pairs.Select(p => p.Name).Append(EvalReport.Combined))
        {
            var parts = report.Classes.Values.Select(d => d[seq]).ToList();
            all[seq] = SequenceMetrics.Combine(parts);
            report.ClassAveraged[seq] = ClassAverage(parts);
        }

        report.Classes[AllClasses] = all;
        return report;
    }

    /// <summary>Scores one prepared sequence.</summary>
    public static SequenceMetrics Score(SequenceData data, EvalOptions options) => new(
        options.Hota ? HotaMetric.Evaluate(data) : null,
        options.Clear ? ClearMetric.Evaluate(data) : null,
        options.Identity ? IdentityMetric.Evaluate(data) : null);

    /// <summary>Finds ground-truth sequences: DIR/gt/gt.txt, or such folders up to three levels below DIR.</summary>
    public static IReadOnlyList<GtSequence> FindSequences(string gtDir)
    {
        if (!Directory.Exists(gtDir))
        {
            throw new VisionTrackerException($"{gtDir}: ground-truth folder not found; pass a MOT sequence folder, a folder of sequences or a TrackEval gt folder.");
        }

        var found = new List<GtSequence>();
        Walk(Path.GetFullPath(gtDir), 0, found);
        if (found.Count == 0)
        {
            throw new VisionTrackerException($"{gtDir}: no gt/gt.txt found (searched 3 levels); pass a folder with SEQ/gt/gt.txt.");
        }

        var dup = found.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new VisionTrackerException($"{gtDir}: sequence {dup.Key} found twice ({string.Join(", ", dup.Select(d => d.Folder))}); pass one benchmark folder.");
        }

        return found.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    private static void Walk(string dir, int depth, List<GtSequence> found)
    {
        string gt = Path.Combine(dir, "gt", "gt.txt");
        if (File.Exists(gt))
        {
            string name = Path.GetFileName(dir);
            string ini = Path.Combine(dir, "seqinfo.ini");
            if (File.Exists(ini) && SeqInfo.Parse(ini).Name is { Length: > 0 } n)
            {
                name = n;
            }

            found.Add(new GtSequence(name, gt, dir));
            return;
        }

        if (depth >= 3)
        {
            return;
        }

        foreach (string sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            Walk(sub, depth + 1, found);
        }
    }

    private static string? FindPrediction(string predDir, string seq)
    {
        foreach (string p in new[] { Path.Combine(predDir, seq + ".txt"), Path.Combine(predDir, "data", seq + ".txt"), Path.Combine(predDir, seq + ".mot.txt") })
        {
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>What <see cref="EvalBenchmark.Auto"/> picks for a sequence: MOT15 for 7- or 10-column gt or a path naming MOT15, else MOT17.</summary>
    internal static EvalBenchmark DetectBenchmark(GtSequence s, TrackSequence gt)
    {
        // 7 columns (frame,id,box,conf) and 10 columns (…, world x, y, z) are the MOT15 layouts TrackEval reads; MOT17
        // and MOT20 ground truth has 9 (…, consider, class, visibility), so column 8 is a class only there.
        if (gt.SourceColumns is 7 or 10 || s.Folder.Contains("MOT15", StringComparison.OrdinalIgnoreCase))
        {
            return EvalBenchmark.Mot15;
        }

        return EvalBenchmark.Mot17;
    }

    private static int NumTimesteps(GtSequence s, TrackSequence gt, TrackSequence pred)
    {
        string ini = Path.Combine(s.Folder, "seqinfo.ini");
        if (File.Exists(ini) && SeqInfo.Parse(ini).Length > 0)
        {
            return SeqInfo.Parse(ini).Length;
        }

        int last = 0;
        foreach (var r in gt.Rows.Concat(pred.Rows))
        {
            last = Math.Max(last, r.Frame);
        }

        return last;
    }

    private static Dictionary<string, double> ClassAverage(List<SequenceMetrics> parts)
    {
        var withData = parts.Where(p => p.Summary() is var s && (s.GetValueOrDefault("CLR_TP") + s.GetValueOrDefault("CLR_FN") + s.GetValueOrDefault("CLR_FP") + s.GetValueOrDefault("IDTP") + s.GetValueOrDefault("IDFN") + s.GetValueOrDefault("IDFP") > 0 || (p.Hota is { } h && h.Tp[0] + h.Fn[0] + h.Fp[0] > 0))).Select(p => p.Summary()).ToList();
        var avg = new Dictionary<string, double>();
        if (withData.Count == 0)
        {
            return avg;
        }

        foreach (string key in withData[0].Keys)
        {
            avg[key] = withData.Average(d => d[key]);
        }

        return avg;
    }
}
