using System.Globalization;
using VisionTracker.Annotations;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tracking;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Tracking;

/// <summary>
/// Tracker quality on real ground truth, scored by the project's TrackEval-parity evaluator: CrossAttentionTracker
/// with decoder embeddings, with OSNet crop embeddings, and IouTracker, on the same detections (detected once per
/// sequence). Floors sit just below what was measured (docs/tracking-quality.md), so a regression fails; where
/// cross-attention measured better than IoU on IDF1, that is asserted too, and only there.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class TrackingQualityTests : IClassFixture<TrackingQualityFixture>
{
    private const string Decoder = "cross-attention (decoder emb.)";
    private const string Osnet = "cross-attention (OSNet emb.)";
    private const string NoEmbedding = "cross-attention (no emb.)";
    private const string Iou = "IoU";
    private const string ByteTrack = "ByteTrack (C# port)";
    private const string ByteTrackSmoothed = "ByteTrack (C# port), exports smoothed like ours";

    private readonly TrackingQualityFixture _fx;
    private readonly ITestOutputHelper _out;

    public TrackingQualityTests(TrackingQualityFixture fx, ITestOutputHelper output)
    {
        _fx = fx;
        _out = output;
    }

    /// <summary>Minimum HOTA and IDF1 (percent) and maximum ID switches for one tracker on one input.</summary>
    private readonly record struct Floor(double Hota, double Idf1, int MaxIdsw);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void TudCampus_FemtoDetections_CrossAttentionBeatsIouAndByteTrack(int step)
    {
        // Measured (every frame, exports as vtrack track writes them: boxes smoothed over time, TrackSmoothing 0.05 s):
        //   decoder H 52.68 IDF1 71.88 IDSW 2; OSNet 51.41 / 70.03 / 3; IoU 48.63 / 63.10 / 5 (unsmoothed: 51.08 / 71.60 /
        //   2, 50.16 / 69.75 / 3, 47.47 / 62.83 / 5); ByteTrack port 50.49 / 68.72 / 3 (DATA.md: 50.52 / 68.72 / 3), and
        //   with the same smoothing 50.81 / 67.88 / 3.
        // Measured (every 3rd; 0.05 s is 0.4 frame at 8.33 fps, so smoothing changes nothing): decoder H 53.94 IDF1 73.86 IDSW 1; OSNet 54.82 / 74.69 / 0; IoU 49.81 / 66.39 / 3;
        //   ByteTrack port 47.36 / 65.53 / 8 (DATA.md: 47.96 / 66.95 / 7).
        var floors = step == 1
            ? new Dictionary<string, Floor> { [Decoder] = new(52.5, 71.6, 2), [Osnet] = new(51.2, 69.8, 3), [Iou] = new(48.4, 62.8, 5) }
            : new Dictionary<string, Floor> { [Decoder] = new(53.5, 73.5, 1), [Osnet] = new(54.5, 74.5, 0), [Iou] = new(49.5, 66.0, 3) };
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [Decoder] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new CrossAttentionTracker(), step),
            [Osnet] = Run(_fx.FemtoReid(TrackingQualityFixture.TudCampus, step), new CrossAttentionTracker(), step),
            [Iou] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new IouTracker(), step),
            [ByteTrack] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new ByteTrackReference(), step),
            [ByteTrackSmoothed] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new ByteTrackReference(), step, smooth: true),
        };

        Report($"TUD-Campus, Femto person detections (score >= 0.1), {Every(step)}", runs);
        AssertFloors(runs, floors);
        Assert.True(runs[Decoder]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (decoder) should beat IoU on IDF1");
        Assert.True(runs[Osnet]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (OSNet) should beat IoU on IDF1");
        Assert.True(runs[Decoder]["IDSW"] < runs[Iou]["IDSW"], "cross-attention (decoder) should switch ids less than IoU");

        // DATA.md's ByteTrack reference on the same detections: fewer id switches, +3 IDF1 and +2 HOTA at both rates.
        // At every frame the HOTA margin needs the exports' temporal smoothing (+1.6 HOTA: 51.08 unsmoothed); against the
        // ByteTrack port given the same smoothing it is +1.87, asserted below as a plain lead (docs/tracking-quality.md).
        var (refHota, refIdf1, refIdsw) = step == 1 ? (50.52, 68.72, 3) : (47.96, 66.95, 7);
        Assert.True(runs[Decoder]["IDF1"] >= refIdf1 + 3, $"IDF1 {runs[Decoder]["IDF1"]:0.00} should be ByteTrack's {refIdf1} + 3");
        Assert.True(runs[Decoder]["IDSW"] < refIdsw, $"{runs[Decoder]["IDSW"]} id switches should be fewer than ByteTrack's {refIdsw}");
        Assert.True(runs[Decoder]["HOTA"] >= refHota + 2, $"HOTA {runs[Decoder]["HOTA"]:0.00} should be ByteTrack's {refHota} + 2");
        Assert.True(runs[Decoder]["HOTA"] > runs[ByteTrackSmoothed]["HOTA"] + 1.5, $"HOTA {runs[Decoder]["HOTA"]:0.00} against the smoothed ByteTrack port's {runs[ByteTrackSmoothed]["HOTA"]:0.00}");
        Assert.True(runs[Decoder]["IDF1"] > runs[ByteTrackSmoothed]["IDF1"] + 3, $"IDF1 {runs[Decoder]["IDF1"]:0.00} against the smoothed ByteTrack port's {runs[ByteTrackSmoothed]["IDF1"]:0.00}");

        // Duplicates (DATA.md's held-out failure): output box pairs with IoU > 0.6 in one frame; 11 before the birth check.
        Assert.True(runs[Decoder]["pairs"] <= (step == 1 ? 3 : 0), $"{runs[Decoder]["pairs"]} overlapping output pairs");
    }

    [Fact]
    public void ByteTrackPort_ReproducesTheDataMdReference_OnTudCampusEveryFrame()
    {
        // DATA.md: published ByteTrack, default parameters, Femto detections (score >= 0.1): 50.52 50.22 50.95 60.17 68.72 3.
        var s = Run(_fx.Femto(TrackingQualityFixture.TudCampus), new ByteTrackReference(), 1);
        Report("TUD-Campus, ByteTrack port against DATA.md", new() { [ByteTrack] = s });
        Assert.Equal(50.52, s["HOTA"], 0.1);
        Assert.Equal(50.22, s["DetA"], 0.1);
        Assert.Equal(50.95, s["AssA"], 0.1);
        Assert.Equal(60.17, s["MOTA"], 0.02);
        Assert.Equal(68.72, s["IDF1"], 0.02);
        Assert.Equal(3, s["IDSW"]);
    }

    [Fact]
    public void StoreAisle_FemtoDetections_NoOverlappingOutputPairs()
    {
        // No ground truth: the duplicate count alone (one shopper given two tracks shows as a pair with IoU > 0.6).
        var aisle = _fx.StoreAisle();
        foreach (ITracker tracker in new ITracker[] { new CrossAttentionTracker(), new IouTracker() })
        {
            var result = SequenceTracking.Track(aisle, tracker);
            int pairs = TrackingQualityFixture.OverlappingPairs(result);
            int ids = result.Rows.Select(r => r.Id).Distinct().Count();
            _out.WriteLine($"store-aisle, {tracker.GetType().Name}: {result.Rows.Count} boxes, {ids} ids, {pairs} overlapping pairs");
            Assert.Equal(0, pairs);
            Assert.Equal(3, ids); // three shoppers, one id each
        }
    }

    [Fact]
    public void TudCampus_DetTxt_EveryFrame_AttentionBeatsIou()
    {
        // Measured (two-level birth + geometry-only attention, both issue-14 defaults, exports smoothed 0.05 s): no
        // embeddings H 39.11 IDF1 58.42 IDSW 7; OSNet H 37.89 IDF1 55.32 IDSW 9; IoU H 35.84 IDF1 47.65 IDSW 7
        // (unsmoothed 37.65 / 56.27, 36.89 / 54.61, 34.66 / 45.85).
        var dets = _fx.DetTxt(TrackingQualityFixture.TudCampus);
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [NoEmbedding] = Run(dets, new CrossAttentionTracker(), 1),
            [Osnet] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, reid: true), new CrossAttentionTracker(), 1),
            [Iou] = Run(dets, new IouTracker(), 1),
        };

        Report("TUD-Campus, public det.txt (quantile-normalised scores), every frame", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [NoEmbedding] = new(38.9, 58.1, 7), [Osnet] = new(37.6, 55.0, 9), [Iou] = new(35.6, 47.3, 7) });
        Assert.True(runs[NoEmbedding]["HOTA"] > runs[Iou]["HOTA"] + 2, "geometry-only attention should beat IoU by 2 HOTA");
        Assert.True(runs[NoEmbedding]["IDF1"] > runs[Iou]["IDF1"], "geometry-only attention should beat IoU on IDF1");
        Assert.True(runs[Osnet]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (OSNet) should beat IoU on IDF1");

        // The option off restores the IoU tracker's first stage exactly.
        var off = Run(dets, new CrossAttentionTracker(TrackerOptions.Default with { AttentionWithoutEmbeddings = false }), 1);
        Assert.Equal(runs[Iou]["HOTA"], off["HOTA"]);
        Assert.Equal(runs[Iou]["IDF1"], off["IDF1"]);
    }

    [Fact]
    public void TudCampus_DetTxt_Every3rdFrame_Floors()
    {
        // Measured: OSNet H 27.91 IDF1 31.21 IDSW 2; no embeddings (geometry-only attention) H 28.72 IDF1 35.71 IDSW 1;
        // IoU H 32.78 IDF1 47.90 IDSW 1. Cross-attention does NOT beat IoU here (docs/tracking-quality.md says why), so
        // only floors are asserted.
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [NoEmbedding] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, 3), new CrossAttentionTracker(), 3),
            [Osnet] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, 3, reid: true), new CrossAttentionTracker(), 3),
            [Iou] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, 3), new IouTracker(), 3),
        };

        Report("TUD-Campus, public det.txt (quantile-normalised scores), every 3rd frame", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [NoEmbedding] = new(28.3, 35.2, 1), [Osnet] = new(27.5, 30.5, 2), [Iou] = new(32.5, 47.5, 1) });
    }

    [Fact]
    public void Mot17Mini_FemtoDetections_CombinedFloors()
    {
        // Measured (7 sequences of 4-8 frames, combined): every project tracker H 32.73 DetA 12.42 IDF1 25.96 IDSW 0
        // (exports smoothed 0.05 s; 32.39 / 25.53 unsmoothed), the ByteTrack port 32.10 / 12.12 / 25.03 / 0. Too short for association to matter; the low DetA is Femto at 416 px
        // missing small people in 1920x1080 frames. The two-level birth (TentativeBirthScore) lifts the project trackers
        // above the port (31.94 before); the +2 HOTA goal against ByteTrack is NOT met here.
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        foreach (var (name, make, reid) in new (string, Func<ITracker>, bool)[] { (Decoder, () => new CrossAttentionTracker(), false), (Osnet, () => new CrossAttentionTracker(), true), (Iou, () => new IouTracker(), false), (ByteTrack, () => new ByteTrackReference(), false) })
        {
            var results = TrackingQualityFixture.Mot17Mini
                .Select(s => (s, 1, Export(reid ? _fx.FemtoReid(s) : _fx.Femto(s), make(), smooth: name != ByteTrack)))
                .ToList();
            runs[name] = TrackingQualityFixture.ScoreCombined(results);
        }

        Report("MOT17-mini (7 FRCNN sequences, 4-8 frames each), Femto person detections, combined", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [Decoder] = new(32.5, 25.7, 0), [Osnet] = new(32.5, 25.7, 0), [Iou] = new(32.5, 25.7, 0), [ByteTrack] = new(31.9, 24.8, 0) });
        Assert.True(runs[Decoder]["HOTA"] > runs[ByteTrack]["HOTA"], $"HOTA {runs[Decoder]["HOTA"]:0.00} should beat the ByteTrack port's {runs[ByteTrack]["HOTA"]:0.00}");
    }

    [Fact]
    public void Every3rdFrame_GroundTruthIsRenumberedToMatch()
    {
        TrackSequence full = SequenceTracking.ReadGroundTruth(TestData.Dataset(TrackingQualityFixture.TudCampus));
        TrackSequence third = SequenceTracking.ReadGroundTruth(TestData.Dataset(TrackingQualityFixture.TudCampus), 3);
        Assert.Equal(71, full.FrameCount);
        Assert.Equal(24, third.FrameCount);
        Assert.Equal(25.0 / 3, third.Fps, 6);
        foreach (TrackRecord r in third.Rows)
        {
            int source = ((r.Frame - 1) * 3) + 1;
            Assert.Contains(full.Rows, g => g.Frame == source && g.Id == r.Id && g.Left == r.Left && g.Top == r.Top);
        }

        Assert.Equal(full.Rows.Count(g => (g.Frame - 1) % 3 == 0), third.Rows.Count);

        var dets = _fx.Femto(TrackingQualityFixture.TudCampus, 3);
        Assert.Equal(24, dets.Frames.Count);
        Assert.Equal(3 / 25.0, dets.Timestamps[1] - dets.Timestamps[0], 9);
    }

    [Fact]
    public void DetTxtScores_AreQuantilesWhenOutsideUnitRange_AndKeptInside()
    {
        float[] q = SequenceTracking.NormalizeScores([0.14, 133.2, 44.0, 44.0, 10.0]);
        Assert.Equal([0.2f, 1f, 0.8f, 0.8f, 0.4f], q);
        Assert.Equal([0.3f, 1f, 0f], SequenceTracking.NormalizeScores([0.3, 1.0, 0.0]));

        var dets = _fx.DetTxt(TrackingQualityFixture.TudCampus);
        var all = dets.Frames.SelectMany(f => f.Scores.ToArray()).ToArray();
        Assert.All(all, s => Assert.InRange(s, 0f, 1f));
        Assert.Equal(1f, all.Max());
    }

    /// <summary>
    /// The tracker's output as <c>vtrack track</c> exports it: boxes smoothed over time (<see cref="TrackSmoothing"/>,
    /// default sigma) for the project's trackers; the ByteTrack port unsmoothed, as the published code outputs, unless
    /// <paramref name="smooth"/> asks for the like-for-like row.
    /// </summary>
    private static TrackSequence Export(SequenceDetections dets, ITracker tracker, bool? smooth = null)
    {
        TrackSequence result = SequenceTracking.Track(dets, tracker);
        return (smooth ?? tracker is not ByteTrackReference) ? TrackSmoothing.Smooth(result, TrackSmoothing.DefaultSigmaSeconds, dets.Fps / dets.Step) : result;
    }

    private static IReadOnlyDictionary<string, double> Run(SequenceDetections dets, ITracker tracker, int step, bool? smooth = null)
    {
        TrackSequence result = Export(dets, tracker, smooth);
        return new Dictionary<string, double>(TrackingQualityFixture.Score(TrackingQualityFixture.TudCampus, step, result))
        {
            ["pairs"] = TrackingQualityFixture.OverlappingPairs(result),
        };
    }

    private static string Every(int step) => step == 1 ? "every frame" : step == 3 ? "every 3rd frame" : "every " + step.ToString(CultureInfo.InvariantCulture) + "th frame";

    private void Report(string title, Dictionary<string, IReadOnlyDictionary<string, double>> runs)
    {
        _out.WriteLine(title);
        _out.WriteLine("| tracker | HOTA | DetA | AssA | MOTA | IDF1 | IDSW | FP | pairs |");
        _out.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, s) in runs)
        {
            string pairs = s.TryGetValue("pairs", out double p) ? p.ToString("0", CultureInfo.InvariantCulture) : "";
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {s["HOTA"]:0.00} | {s["DetA"]:0.00} | {s["AssA"]:0.00} | {s["MOTA"]:0.00} | {s["IDF1"]:0.00} | {s["IDSW"]:0} | {s["CLR_FP"]:0} | {pairs} |"));
        }
    }

    private static void AssertFloors(Dictionary<string, IReadOnlyDictionary<string, double>> runs, Dictionary<string, Floor> floors)
    {
        foreach (var (name, f) in floors)
        {
            var s = runs[name];
            Assert.True(s["HOTA"] >= f.Hota, string.Create(CultureInfo.InvariantCulture, $"{name}: HOTA {s["HOTA"]:0.00} below floor {f.Hota}"));
            Assert.True(s["IDF1"] >= f.Idf1, string.Create(CultureInfo.InvariantCulture, $"{name}: IDF1 {s["IDF1"]:0.00} below floor {f.Idf1}"));
            Assert.True(s["IDSW"] <= f.MaxIdsw, string.Create(CultureInfo.InvariantCulture, $"{name}: {s["IDSW"]} id switches, more than {f.MaxIdsw}"));
        }
    }
}
