using VisionTracker.Annotations;
using VisionTracker.Evaluation;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Evaluation;

public class MetricsTests
{
    private static TrackRecord R(int f, int id, double x, int cls = 1, double score = 1) => new(f, id, x, 0, 10, 10, score, cls, 1);

    [Fact]
    public void Score_EmptyTracker_AllFalseNegatives()
    {
        var gt = new TrackSequence("s", [R(1, 1, 0), R(2, 1, 1), R(2, 2, 50)]);
        var data = MotPreprocessor.Prepare("s", gt, new TrackSequence("t", []), 2, EvalBenchmark.Mot15);
        var s = MotEvaluator.Score(data, new EvalOptions()).Summary();
        Assert.Equal(3, s["CLR_FN"]);
        Assert.Equal(2, s["ML"]);
        Assert.Equal(0, s["HOTA"]);
        Assert.Equal(3, s["IDFN"]);
    }

    [Fact]
    public void Score_IdSwitch_CountsOneSwitchAndLowersIdf1()
    {
        // gt id 1 is followed by tracker 7 for frames 1-4 and tracker 8 for frames 5-8.
        var gt = new TrackSequence("s", Enumerable.Range(1, 8).Select(f => R(f, 1, f)));
        var tr = new TrackSequence("t", Enumerable.Range(1, 8).Select(f => R(f, f <= 4 ? 7 : 8, f)));
        var s = MotEvaluator.Score(MotPreprocessor.Prepare("s", gt, tr, 8, EvalBenchmark.Mot15), new EvalOptions()).Summary();
        Assert.Equal(1, s["IDSW"]);
        Assert.Equal(100.0 * (8 - 1) / 8, s["MOTA"], 9);
        Assert.Equal(4, s["IDTP"]);
        Assert.Equal(50, s["IDF1"], 9);
        Assert.Equal(100, s["DetA"], 9);
        Assert.Equal(50, s["AssA"], 9); // each match pair: 4/(8+4-4)
    }

    [Fact]
    public void Prepare_Mot17_RemovesTrackerBoxOnDistractorAndZeroMarkedGt()
    {
        var gt = new TrackSequence("s", [R(1, 1, 0, cls: 1), R(1, 2, 100, cls: 7), R(1, 3, 200, cls: 1, score: 0)]);
        var tr = new TrackSequence("t", [R(1, 1, 0), R(1, 2, 100), R(1, 3, 200)]);
        var d17 = MotPreprocessor.Prepare("s", gt, tr, 1, EvalBenchmark.Mot17);
        Assert.Single(d17.GtIds[0]);
        Assert.Equal(2, d17.TrackerIds[0].Length); // the box on the static person (class 7) is gone; the one on the zero-marked gt stays (FP)
        var d15 = MotPreprocessor.Prepare("s", gt, tr, 1, EvalBenchmark.Mot15);
        Assert.Equal(2, d15.GtIds[0].Length);
        Assert.Equal(3, d15.TrackerIds[0].Length);
    }

    [Fact]
    public void Prepare_DuplicateIdInFrame_Throws()
    {
        var gt = new TrackSequence("s", [R(1, 1, 0), R(1, 1, 50)]);
        var ex = Assert.Throws<VisionTrackerException>(() => MotPreprocessor.Prepare("s", gt, new TrackSequence("t", []), 1, EvalBenchmark.Mot15));
        Assert.Contains("appears twice in frame 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EvaluateFolders_MultiClass_ScoresEachClassAndCombines()
    {
        using var dir = TestData.TempDir();
        string seq = Path.Combine(dir.Path, "gt", "shelf");
        Directory.CreateDirectory(Path.Combine(seq, "gt"));
        File.WriteAllText(Path.Combine(seq, "seqinfo.ini"), "[Sequence]\nname=shelf\nseqLength=4\nimWidth=100\nimHeight=100\nframeRate=10\n");
        // Class 40 (bottle): ids 1, 2. Class 42 (cup): id 3.
        var gtRows = new List<TrackRecord>();
        var prRows = new List<TrackRecord>();
        for (int f = 1; f <= 4; f++)
        {
            gtRows.Add(new TrackRecord(f, 1, 0, 0, 10, 10, 1, 40, 1));
            gtRows.Add(new TrackRecord(f, 2, 30, 0, 10, 10, 1, 40, 1));
            gtRows.Add(new TrackRecord(f, 3, 60, 0, 10, 10, 1, 42, 1));
            prRows.Add(new TrackRecord(f, 11, 0, 0, 10, 10, 0.9, 40));
            prRows.Add(new TrackRecord(f, 12, 30, 0, 10, 10, 0.9, 40));
            prRows.Add(new TrackRecord(f, 13, 60, 0, 10, 10, 0.9, f <= 2 ? 42 : 40)); // cup predicted as bottle in frames 3-4
        }

        var gtSeq = new TrackSequence("shelf", gtRows);
        var lines = gtSeq.Rows.Select(r => FormattableString.Invariant($"{r.Frame},{r.Id},{r.Left},{r.Top},{r.Width},{r.Height},1,{r.ClassId},1"));
        File.WriteAllLines(Path.Combine(seq, "gt", "gt.txt"), lines);
        Directory.CreateDirectory(Path.Combine(dir.Path, "pred"));
        MotChallengeFormat.Write(Path.Combine(dir.Path, "pred", "shelf.txt"), new TrackSequence("shelf", prRows), writeClass: true);

        var report = MotEvaluator.EvaluateFolders(Path.Combine(dir.Path, "gt"), Path.Combine(dir.Path, "pred"), new EvalOptions { Benchmark = EvalBenchmark.MultiClass });

        Assert.Equal(["ALL", "class40", "class42"], report.Classes.Keys.Order().ToArray());
        var bottle = report.Classes["class40"]["shelf"].Summary();
        var cup = report.Classes["class42"]["shelf"].Summary();
        var all = report.Classes["ALL"][EvalReport.Combined].Summary();
        Assert.Equal((8.0, 2.0, 0.0), (bottle["CLR_TP"], bottle["CLR_FP"], bottle["CLR_FN"]));
        Assert.Equal((2.0, 0.0, 2.0), (cup["CLR_TP"], cup["CLR_FP"], cup["CLR_FN"]));
        Assert.Equal((10.0, 2.0, 2.0), (all["CLR_TP"], all["CLR_FP"], all["CLR_FN"]));
        Assert.Equal(100.0 * (10 - 2) / 12, all["MOTA"], 9);
        Assert.Equal((bottle["MOTA"] + cup["MOTA"]) / 2, report.ClassAveraged[EvalReport.Combined]["MOTA"], 9);
    }
}
