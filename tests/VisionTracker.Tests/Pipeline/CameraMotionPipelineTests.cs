using System.Globalization;
using System.Text.RegularExpressions;
using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Evaluation;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tests.Tracking;
using VisionTracker.Tracking;
using VisionTracker.Video;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Pipeline;

/// <summary>
/// <c>vtrack track --gmc</c> (issue 14, camera-motion compensation): a moving camera's motion is estimated and reported,
/// a fixed camera's tracks stay as they were, and the default run says GMC is off.
/// </summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public sealed partial class CameraMotionCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Track_Gmc_MovingCamera_ReportsItsMotion_FixedCameraAlmostNone_AndExportsTracks()
    {
        using var dir = TestData.TempDir();

        // MOT17-05 is filmed walking (docs/tracking-quality.md: 3-24 px per frame); MOT17-02 from a fixed camera.
        var (moving, movingOut) = await RunGmc(dir, "MOT17-05-FRCNN");
        var (still, _) = await RunGmc(dir, "MOT17-02-FRCNN");
        Assert.True(moving.Mean > 2, $"MOT17-05 (moving camera): mean motion {moving.Mean} px/frame");
        Assert.True(moving.Max >= moving.Mean);
        Assert.True(still.Mean < 1, $"MOT17-02 (fixed camera): mean motion {still.Mean} px/frame");

        // The run completed with tracks exported.
        var mot = MotChallengeFormat.Read(Path.Combine(movingOut, "MOT17-05-FRCNN.mot.txt"));
        Assert.True(mot.Rows.Count > 0, "no tracks exported");
        Assert.True(mot.Rows.Select(r => r.Frame).Distinct().Count() >= 5, "tracks on fewer than 5 of the 6 frames");
    }

    [Fact]
    public async Task Track_Gmc_StaticCamera_SameIdsAndHotaAsWithout()
    {
        using var dir = TestData.TempDir();
        string seq = TestData.Dataset("TUD-Campus");
        var (c1, offOut, e1) = await CliRunner.RunAsync("track", seq, "--export", "mot", "--out", dir.File("off"));
        Assert.True(c1 == 0, e1);
        Assert.Matches(@"gmc\s*│\s*off", offOut);
        var (c2, onOut, e2) = await CliRunner.RunAsync("track", seq, "--export", "mot", "--gmc", "--out", dir.File("on"));
        Assert.True(c2 == 0, e2);
        output.WriteLine(onOut);
        var (mean, _) = ParseMotion(onOut);
        // 0.9 px/frame before the detections masked the corners (walkers' corners pulled the estimate), 0.05 since.
        Assert.True(mean < 0.3, $"TUD-Campus (fixed camera): mean motion {mean} px/frame");

        var off = MotChallengeFormat.Read(Path.Combine(dir.File("off"), "TUD-Campus.mot.txt"));
        var on = MotChallengeFormat.Read(Path.Combine(dir.File("on"), "TUD-Campus.mot.txt"));
        Assert.True(off.Rows.Count > 100, "too few boxes for the comparison to mean anything");
        Assert.Equal(off.Rows.Select(r => r.Id).Distinct().Count(), on.Rows.Select(r => r.Id).Distinct().Count());

        var gt = TestData.Dataset("TUD-Campus");
        var sOff = MotEvaluator.EvaluateFolders(gt, dir.File("off"), new EvalOptions()).Classes[MotEvaluator.Pedestrian]["TUD-Campus"].Summary();
        var sOn = MotEvaluator.EvaluateFolders(gt, dir.File("on"), new EvalOptions()).Classes[MotEvaluator.Pedestrian]["TUD-Campus"].Summary();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"HOTA {sOff["HOTA"]:0.00} -> {sOn["HOTA"]:0.00}, IDF1 {sOff["IDF1"]:0.00} -> {sOn["IDF1"]:0.00}, IDSW {sOff["IDSW"]} -> {sOn["IDSW"]}"));
        Assert.True(Math.Abs(sOn["HOTA"] - sOff["HOTA"]) <= 0.5, $"HOTA {sOff["HOTA"]:0.00} without GMC, {sOn["HOTA"]:0.00} with");
        Assert.True(sOn["IDSW"] <= sOff["IDSW"], $"ID switches {sOff["IDSW"]} without GMC, {sOn["IDSW"]} with");
    }

    [Fact]
    public async Task TrackCameras_Gmc_EveryCameraCompensates_AndWritesWhatItsOwnRunWrites()
    {
        using var dir = TestData.TempDir();
        string tud = TestData.Dataset("TUD-Campus"), mot05 = TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-05-FRCNN"));
        string cameras = dir.File("cameras.json");
        await File.WriteAllTextAsync(cameras, $$"""
            { "cameras": [ { "name": "tud", "source": "{{tud}}" }, { "name": "mot05", "source": "{{mot05}}" } ] }
            """);
        string[] common = ["--gmc", "--frames", "20", "--export", "mot"];
        var (code, stdout, stderr) = await CliRunner.RunAsync(["track", "--cameras", cameras, "--out", dir.File("many"), .. common]);
        Assert.True(code == 0, stderr);
        output.WriteLine(stdout);
        Assert.Contains("gmc px/frame", stdout, StringComparison.Ordinal); // the column exists only when the streams estimated motion
        foreach (var (camera, source) in new[] { ("tud", tud), ("mot05", mot05) })
        {
            (code, _, stderr) = await CliRunner.RunAsync(["track", source, "--out", dir.File(camera), .. common]);
            Assert.True(code == 0, stderr);
            string alone = await File.ReadAllTextAsync(Path.Combine(dir.File(camera), Path.GetFileName(source) + ".mot.txt"));
            string many = await File.ReadAllTextAsync(Path.Combine(dir.File("many"), camera, camera + ".mot.txt"));
            Assert.True(alone.Length > 0, $"{camera}: no tracks alone, so the comparison proves nothing");
            Assert.True(alone == many, $"{camera}: the MOT file differs from the camera's own --gmc run");
        }
    }

    [Fact]
    public async Task Bench_Gmc_ReportsTheEstimatorsTime_AndRejectsStreams()
    {
        using var dir = TestData.TempDir();
        string seq = TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-05-FRCNN"));
        string[] common = ["bench", "--source", seq, "--frames", "6", "--rounds", "2", "--export", "mot"];
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. common, "--gmc", "--json", dir.File("on.json")]);
        Assert.True(code == 0, stderr);
        output.WriteLine(stdout);
        using (var on = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("on.json"))))
        {
            Assert.True(on.RootElement.GetProperty("ms").GetProperty("gmc").GetDouble() > 0, "no estimator time with --gmc");
        }

        (code, _, stderr) = await CliRunner.RunAsync([.. common, "--json", dir.File("off.json")]);
        Assert.True(code == 0, stderr);
        using (var off = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("off.json"))))
        {
            Assert.Equal(System.Text.Json.JsonValueKind.Null, off.RootElement.GetProperty("ms").GetProperty("gmc").ValueKind);
        }

        // The many-streams bench does not take it: one line, the user-input exit code.
        (code, _, stderr) = await CliRunner.RunAsync(["bench", "--streams", "1", "--gmc"]);
        Assert.Equal(2, code);
        Assert.Contains("--gmc", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task<((double Mean, double Max) Motion, string Out)> RunGmc(TempDir dir, string sequence)
    {
        string outDir = dir.File(sequence);
        var (code, stdout, stderr) = await CliRunner.RunAsync("track", TestData.Dataset(Path.Combine("MOT17-mini", "train", sequence)), "--gmc", "--export", "mot", "--out", outDir);
        Assert.True(code == 0, stderr);
        output.WriteLine(stdout);
        return (ParseMotion(stdout), outDir);
    }

    // The summary row: "gmc │ on: camera motion 6.7 px/frame mean, 9.4 max, ...".
    private static (double Mean, double Max) ParseMotion(string stdout)
    {
        Match m = MotionRow().Match(stdout);
        Assert.True(m.Success, stdout);
        return (double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"gmc\s*│\s*on: camera motion ([0-9.]+) px/frame mean, ([0-9.]+) max")]
    private static partial Regex MotionRow();
}

/// <summary>The engine's camera-motion compensation: one estimator per stream, none when off, a clear error for a tracker that cannot take it.</summary>
[Trait("Category", Categories.RealData)]
public sealed class CameraMotionEngineTests
{
    private static readonly string[] Sequences = ["TUD-Campus", Path.Combine("MOT17-mini", "train", "MOT17-05-FRCNN")];

    [Fact]
    public async Task TwoStreamsInOneEngine_EachEstimatesItsOwnMotion_AsWhenAlone()
    {
        // Alone: each sequence in its own pipeline, tracking its public det.txt.
        var alone = new List<CameraMotionStats>();
        foreach (string s in Sequences)
        {
            using IFrameSource src = FrameSource.Open(TestData.Dataset(s));
            var dets = DetectionFile.Load(Path.Combine(TestData.Dataset(s), "det", "det.txt"));
            var pipeline = new TrackingPipeline(src, dets.AsDetector(), new IouTracker(), options: new PipelineOptions { CompensateCameraMotion = true });
            Assert.True(await pipeline.RunAsync());
            CameraMotionStats m = pipeline.Stats.CameraMotion!;
            Assert.Equal(pipeline.Stats.FramesCompleted - 1, m.Frames);
            Assert.Equal(0, m.Unestimated);
            alone.Add(m);
        }

        Assert.True(alone[1].MeanPixels > 2 * alone[0].MeanPixels, $"moving {alone[1].MeanPixels} px/frame against fixed {alone[0].MeanPixels}");

        // Together, frames interleaved in one engine: a shared estimator would compare frames of different cameras
        // (different sizes: no estimate; same size: garbage). Each stream must get exactly its alone numbers.
        var sources = Sequences.Select(s => FrameSource.Open(TestData.Dataset(s))).ToList();
        try
        {
            var files = Sequences.Select(s => DetectionFile.Load(Path.Combine(TestData.Dataset(s), "det", "det.txt"))).ToList();
            var streams = sources.Select((src, i) => new PipelineStream("cam" + i, src, new IouTracker()) { CompensateCameraMotion = true }).ToList();
            var byName = streams.Select((st, i) => (st.Name, files[i])).ToDictionary(x => x.Name, x => x.Item2);
            BatchDetector detect = (frames, ss) => frames.Select((f, i) => byName[ss[i].Name].For(f.Index)).ToList();
            var engine = new TrackingEngine(streams, [detect], new PipelineOptions { BatchWait = TimeSpan.FromMilliseconds(50) });
            Assert.True(await engine.RunAsync());
            for (int i = 0; i < streams.Count; i++)
            {
                CameraMotionStats m = streams[i].Stats.CameraMotion!;
                Assert.Equal(alone[i].Frames, m.Frames);
                Assert.Equal(0, m.Unestimated);
                Assert.Equal(alone[i].MeanPixels, m.MeanPixels, 9);
                Assert.Equal(alone[i].MaxPixels, m.MaxPixels, 9);
            }
        }
        finally
        {
            sources.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task Pipeline_HandsEachFramesMotionToTheTracker_BeforeItsUpdate()
    {
        // MOT17-10's public detections with the IoU tracker: a moving camera where compensation changes the tracks.
        string seq = TestData.Dataset(Path.Combine("MOT17-mini", "train", "MOT17-10-FRCNN"));
        var dets = DetectionFile.Load(Path.Combine(seq, "det", "det.txt"));
        async Task<List<string>> RunPipeline(bool gmc)
        {
            using IFrameSource src = FrameSource.Open(seq);
            var rows = new TrackRows();
            var pipeline = new TrackingPipeline(src, dets.AsDetector(), new IouTracker(), sinks: [rows], options: new PipelineOptions { CompensateCameraMotion = gmc });
            Assert.True(await pipeline.RunAsync());
            return rows.Rows;
        }

        // The reference: the same estimator and tracker driven by hand, motion applied before each update.
        var expected = new TrackRows();
        using (IFrameSource src = FrameSource.Open(seq))
        using (var estimator = new CameraMotionEstimator())
        {
            var tracker = new IouTracker();
            while (src.Read() is { } frame)
            {
                using (frame)
                {
                    tracker.ApplyCameraMotion(estimator.Estimate(frame.Image));
                    expected.Add(frame.Index, tracker.Update(dets.For(frame.Index), frame.TimestampSeconds));
                }
            }
        }

        List<string> with = await RunPipeline(gmc: true), without = await RunPipeline(gmc: false);
        Assert.NotEqual(without, expected.Rows); // else this sequence could not tell whether the motion was applied
        Assert.Equal(expected.Rows, with);
    }

    [Fact]
    public async Task Off_NoEstimatorAndNoStats()
    {
        using IFrameSource src = FrameSource.Open(TestData.Dataset(Sequences[1]));
        var dets = DetectionFile.Load(Path.Combine(TestData.Dataset(Sequences[1]), "det", "det.txt"));
        var pipeline = new TrackingPipeline(src, dets.AsDetector(), new IouTracker());
        Assert.True(await pipeline.RunAsync());
        Assert.True(pipeline.Stats.FramesCompleted > 0);
        Assert.Null(pipeline.Stats.CameraMotion);
    }

    [Fact]
    public void TrackerThatCannotCompensate_IsAClearError()
    {
        // ByteTrackReference (the evaluation reference port) does not implement ICameraMotionCompensated.
        using IFrameSource src = FrameSource.Open(TestData.Dataset("TUD-Campus"));
        Func<Frame, Detections> none = _ => Detections.Empty;
        var ex = Assert.Throws<VisionTrackerException>(() => new TrackingPipeline(src, none, new ByteTrackReference(), options: new PipelineOptions { CompensateCameraMotion = true }));
        Assert.Contains("camera-motion compensation", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", ex.Message, StringComparison.Ordinal);
        _ = new TrackingPipeline(src, none, new ByteTrackReference());

        BatchDetector detect = (frames, _) => frames.Select(_ => Detections.Empty).ToList();
        var stream = new PipelineStream("cam", src, new ByteTrackReference()) { CompensateCameraMotion = true };
        ex = Assert.Throws<VisionTrackerException>(() => new TrackingEngine([stream], [detect]));
        Assert.StartsWith("cam: ", ex.Message, StringComparison.Ordinal);

        // A stream that turns it off overrides the engine's default; a hosted engine checks each stream it is given.
        _ = new TrackingEngine([new PipelineStream("cam", src, new ByteTrackReference()) { CompensateCameraMotion = false }], [detect], new PipelineOptions { CompensateCameraMotion = true });
        var hosted = new TrackingEngine([detect], new PipelineOptions { CompensateCameraMotion = true });
        // Thrown by AddStream itself, before any stage starts (not by the task it returns).
        Assert.Throws<VisionTrackerException>(() => { _ = hosted.AddStream(new PipelineStream("cam", src, new ByteTrackReference())); });
    }
}

/// <summary>Every track box of a run, one "frame id x1 y1 x2 y2" string each (exact floats), in order.</summary>
internal sealed class TrackRows : IFrameSink
{
    public List<string> Rows { get; } = [];

    public void Add(long frame, Detections tracks)
    {
        for (int i = 0; i < tracks.Count; i++)
        {
            BoxF b = tracks.Boxes[i];
            Rows.Add(string.Create(CultureInfo.InvariantCulture, $"{frame} {tracks.TrackIds[i]} {b.X1:R} {b.Y1:R} {b.X2:R} {b.Y2:R}"));
        }
    }

    public void Write(FrameResult result) => Add(result.Frame.Index, result.Tracks);

    public void Complete()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>The summary's motion figure: how far a camera-motion estimate moves the frame centre.</summary>
public sealed class CameraMotionStatsTests
{
    [Fact]
    public void CentreDisplacement_TranslationRotationAndZoom()
    {
        Assert.Equal(0, CameraMotionStats.CentreDisplacement(Affine2.Identity, 1920, 1080), 12);
        Assert.Equal(5, CameraMotionStats.CentreDisplacement(new Affine2(1, 0, 3, 0, 1, -4), 640, 480), 12);

        // A 1% zoom about the image origin moves the centre of a 1920x1080 frame by 1% of (960, 540).
        Assert.Equal(0.01 * Math.Sqrt((960.0 * 960) + (540.0 * 540)), CameraMotionStats.CentreDisplacement(new Affine2(1.01, 0, 0, 0, 1.01, 0), 1920, 1080), 9);

        // A zoom about the centre itself leaves the centre where it was.
        Assert.Equal(0, CameraMotionStats.CentreDisplacement(new Affine2(1.01, 0, -0.01 * 320, 0, 1.01, -0.01 * 240), 640, 480), 9);
    }
}
