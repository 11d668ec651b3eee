using System.Globalization;
using VisionTracker.Annotations;

namespace VisionTracker.Evaluation;

/// <summary>
/// Port of TrackEval's MotChallenge2DBox loading checks and <c>get_preprocessed_seq_data</c>.
/// </summary>
internal static class MotPreprocessor
{
    private const double Eps = 2.220446049250313e-16;
    private const int Pedestrian = 1;
    private static readonly int[] DistractorClasses = [2, 7, 8, 12];

    /// <summary>Builds the metric input for one sequence.</summary>
    /// <param name="name">Sequence name (for messages).</param>
    /// <param name="gt">Ground truth rows.</param>
    /// <param name="tracker">Tracker rows.</param>
    /// <param name="numTimesteps">Number of frames (seqLength).</param>
    /// <param name="benchmark">Mot15, Mot17 or MultiClass (with <paramref name="classId"/>).</param>
    /// <param name="classId">Class to score for MultiClass.</param>
    public static SequenceData Prepare(string name, TrackSequence gt, TrackSequence tracker, int numTimesteps, EvalBenchmark benchmark, int classId = Pedestrian)
    {
        var gtByT = Split(name, "ground truth", gt, numTimesteps);
        var trByT = Split(name, "tracker", tracker, numTimesteps);
        var gtIds = new int[numTimesteps][];
        var trIds = new int[numTimesteps][];
        var sims = new double[numTimesteps][];
        bool mot17 = benchmark == EvalBenchmark.Mot17;

        for (int t = 0; t < numTimesteps; t++)
        {
            var g = gtByT[t];
            var k = trByT[t];
            if (benchmark == EvalBenchmark.MultiClass)
            {
                g = g.Where(r => r.ClassId == classId).ToList();
                k = k.Where(r => r.ClassId == classId).ToList();
            }

            CheckUnique(name, "ground truth", g, t);
            CheckUnique(name, "tracker", k, t);
            var sim = Iou(g, k);

            var removeTracker = new HashSet<int>();
            if (mot17 && g.Count > 0 && k.Count > 0)
            {
                foreach (var r in g)
                {
                    if (r.ClassId < 1 || r.ClassId > 13)
                    {
                        throw new VisionTrackerException(string.Create(CultureInfo.InvariantCulture, $"{name}: ground truth frame {t + 1} has class {r.ClassId}, not a MOT17 class (1-13); use --benchmark mot15 for files without MOT17 classes."));
                    }
                }

                var matching = (double[])sim.Clone();
                for (int i = 0; i < matching.Length; i++)
                {
                    if (matching[i] < 0.5 - Eps)
                    {
                        matching[i] = 0;
                    }
                }

                var (rows, cols) = LinearSumAssignment.Solve(matching, g.Count, k.Count, maximize: true);
                for (int m = 0; m < rows.Length; m++)
                {
                    if (matching[(rows[m] * k.Count) + cols[m]] > Eps && Array.IndexOf(DistractorClasses, g[rows[m]].ClassId) >= 0)
                    {
                        removeTracker.Add(cols[m]);
                    }
                }
            }

            var keepTr = Enumerable.Range(0, k.Count).Where(j => !removeTracker.Contains(j)).ToArray();
            var keepGt = Enumerable.Range(0, g.Count)
                .Where(i => g[i].Considered && (!mot17 || g[i].ClassId == Pedestrian))
                .ToArray();
            var s = new double[keepGt.Length * keepTr.Length];
            for (int i = 0; i < keepGt.Length; i++)
            {
                for (int j = 0; j < keepTr.Length; j++)
                {
                    s[(i * keepTr.Length) + j] = sim[(keepGt[i] * k.Count) + keepTr[j]];
                }
            }

            gtIds[t] = keepGt.Select(i => g[i].Id).ToArray();
            trIds[t] = keepTr.Select(j => k[j].Id).ToArray();
            sims[t] = s;
        }

        Relabel(gtIds);
        Relabel(trIds);
        return new SequenceData(name, gtIds, trIds, sims);
    }

    private static List<TrackRecord>[] Split(string name, string what, TrackSequence seq, int numTimesteps)
    {
        var byT = new List<TrackRecord>[numTimesteps];
        for (int t = 0; t < numTimesteps; t++)
        {
            byT[t] = [];
        }

        foreach (var r in seq.Rows)
        {
            if (r.Frame < 1 || r.Frame > numTimesteps)
            {
                throw new VisionTrackerException(string.Create(CultureInfo.InvariantCulture, $"{name}: {what} has a row at frame {r.Frame}, outside 1..{numTimesteps}; fix seqLength in seqinfo.ini or remove the rows."));
            }

            byT[r.Frame - 1].Add(r);
        }

        return byT;
    }

    private static void CheckUnique(string name, string what, List<TrackRecord> rows, int t)
    {
        var seen = new HashSet<int>();
        foreach (var r in rows)
        {
            if (!seen.Add(r.Id))
            {
                throw new VisionTrackerException(string.Create(CultureInfo.InvariantCulture, $"{name}: {what} id {r.Id} appears twice in frame {t + 1}; ids must be unique per frame."));
            }
        }
    }

    private static double[] Iou(List<TrackRecord> g, List<TrackRecord> k)
    {
        var a = new double[g.Count * 4];
        var b = new double[k.Count * 4];
        for (int i = 0; i < g.Count; i++)
        {
            (a[4 * i], a[(4 * i) + 1], a[(4 * i) + 2], a[(4 * i) + 3]) = (g[i].Left, g[i].Top, g[i].Width, g[i].Height);
        }

        for (int j = 0; j < k.Count; j++)
        {
            (b[4 * j], b[(4 * j) + 1], b[(4 * j) + 2], b[(4 * j) + 3]) = (k[j].Left, k[j].Top, k[j].Width, k[j].Height);
        }

        var s = new double[g.Count * k.Count];
        BoxIou.Compute(a, b, s);
        return s;
    }

    private static void Relabel(int[][] ids)
    {
        var unique = new SortedSet<int>();
        foreach (var a in ids)
        {
            unique.UnionWith(a);
        }

        var map = new Dictionary<int, int>();
        foreach (int id in unique)
        {
            map[id] = map.Count;
        }

        foreach (var a in ids)
        {
            for (int i = 0; i < a.Length; i++)
            {
                a[i] = map[a[i]];
            }
        }
    }
}
