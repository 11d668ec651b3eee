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
    public void TudCampus_FemtoDetections_CrossAttentionBeatsIouOnIdf1(int step)
    {
        // Measured (every frame): decoder H 51.02 IDF1 72.65 IDSW 3; OSNet 50.45 / 69.66 / 3; IoU 47.69 / 63.27 / 5.
        // Measured (every 3rd):   decoder H 53.94 IDF1 73.86 IDSW 1; OSNet 54.82 / 74.69 / 0; IoU 49.81 / 66.39 / 3.
        var floors = step == 1
            ? new Dictionary<string, Floor> { [Decoder] = new(50.0, 71.5, 4), [Osnet] = new(49.5, 68.5, 4), [Iou] = new(46.5, 62.0, 6) }
            : new Dictionary<string, Floor> { [Decoder] = new(53.0, 72.5, 2), [Osnet] = new(53.5, 73.5, 1), [Iou] = new(48.5, 65.0, 4) };
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [Decoder] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new CrossAttentionTracker(), step),
            [Osnet] = Run(_fx.FemtoReid(TrackingQualityFixture.TudCampus, step), new CrossAttentionTracker(), step),
            [Iou] = Run(_fx.Femto(TrackingQualityFixture.TudCampus, step), new IouTracker(), step),
        };

        Report($"TUD-Campus, Femto person detections (score >= 0.1), {Every(step)}", runs);
        AssertFloors(runs, floors);
        Assert.True(runs[Decoder]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (decoder) should beat IoU on IDF1");
        Assert.True(runs[Osnet]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (OSNet) should beat IoU on IDF1");
        Assert.True(runs[Decoder]["IDSW"] < runs[Iou]["IDSW"], "cross-attention (decoder) should switch ids less than IoU");
    }

    [Fact]
    public void TudCampus_DetTxt_EveryFrame_OsnetAttentionBeatsIouOnIdf1()
    {
        // Measured: OSNet H 33.61 IDF1 47.46 IDSW 9; no embeddings (= IoU first stage) and IoU H 33.40 IDF1 46.13 IDSW 9.
        var dets = _fx.DetTxt(TrackingQualityFixture.TudCampus);
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [NoEmbedding] = Run(dets, new CrossAttentionTracker(), 1),
            [Osnet] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, reid: true), new CrossAttentionTracker(), 1),
            [Iou] = Run(dets, new IouTracker(), 1),
        };

        Report("TUD-Campus, public det.txt (quantile-normalised scores), every frame", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [NoEmbedding] = new(32.5, 45.0, 10), [Osnet] = new(32.5, 46.5, 10), [Iou] = new(32.5, 45.0, 10) });
        Assert.Equal(runs[Iou]["IDF1"], runs[NoEmbedding]["IDF1"]); // without embeddings the first stage is IoU's
        Assert.True(runs[Osnet]["IDF1"] > runs[Iou]["IDF1"], "cross-attention (OSNet) should beat IoU on IDF1");
    }

    [Fact]
    public void TudCampus_DetTxt_Every3rdFrame_Floors()
    {
        // Measured: OSNet H 22.83 IDF1 25.00 IDSW 1; IoU H 26.24 IDF1 32.50 IDSW 0. Cross-attention does NOT beat IoU
        // here (docs/tracking-quality.md says why), so only floors are asserted.
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>
        {
            [Osnet] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, 3, reid: true), new CrossAttentionTracker(), 3),
            [Iou] = Run(_fx.DetTxt(TrackingQualityFixture.TudCampus, 3), new IouTracker(), 3),
        };

        Report("TUD-Campus, public det.txt (quantile-normalised scores), every 3rd frame", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [Osnet] = new(22.0, 24.0, 2), [Iou] = new(25.0, 31.5, 1) });
    }

    [Fact]
    public void Mot17Mini_FemtoDetections_CombinedFloors()
    {
        // Measured (7 sequences of 4-8 frames, combined): every tracker H 31.94 DetA 12.03 IDF1 25.03 IDSW 0. Too short
        // for association to matter; the low DetA is Femto at 416 px missing small people in 1920x1080 frames.
        var runs = new Dictionary<string, IReadOnlyDictionary<string, double>>();
        foreach (var (name, make, reid) in new (string, Func<ITracker>, bool)[] { (Decoder, () => new CrossAttentionTracker(), false), (Osnet, () => new CrossAttentionTracker(), true), (Iou, () => new IouTracker(), false) })
        {
            var results = TrackingQualityFixture.Mot17Mini
                .Select(s => (s, 1, SequenceTracking.Track(reid ? _fx.FemtoReid(s) : _fx.Femto(s), make())))
                .ToList();
            runs[name] = TrackingQualityFixture.ScoreCombined(results);
        }

        Report("MOT17-mini (7 FRCNN sequences, 4-8 frames each), Femto person detections, combined", runs);
        AssertFloors(runs, new Dictionary<string, Floor> { [Decoder] = new(31.0, 24.0, 1), [Osnet] = new(31.0, 24.0, 1), [Iou] = new(31.0, 24.0, 1) });
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

    private static IReadOnlyDictionary<string, double> Run(SequenceDetections dets, ITracker tracker, int step) =>
        TrackingQualityFixture.Score(TrackingQualityFixture.TudCampus, step, SequenceTracking.Track(dets, tracker));

    private static string Every(int step) => step == 1 ? "every frame" : step == 3 ? "every 3rd frame" : "every " + step.ToString(CultureInfo.InvariantCulture) + "th frame";

    private void Report(string title, Dictionary<string, IReadOnlyDictionary<string, double>> runs)
    {
        _out.WriteLine(title);
        _out.WriteLine("| tracker | HOTA | DetA | AssA | MOTA | IDF1 | IDSW |");
        _out.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, s) in runs)
        {
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {s["HOTA"]:0.00} | {s["DetA"]:0.00} | {s["AssA"]:0.00} | {s["MOTA"]:0.00} | {s["IDF1"]:0.00} | {s["IDSW"]:0} |"));
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
