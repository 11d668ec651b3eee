using System.Text;
using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Pipeline;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Pipeline;

/// <summary>The exact detection dump (issue 16): det.txt + .emb sidecar read back bit for bit.</summary>
public sealed class DetectionDumpTests
{
    [Fact]
    public void Dump_ReadsBackBitForBit_BoxesScoresClassesAndEmbeddings()
    {
        var rng = new Random(16);
        const int Dim = 7;
        var frames = new List<(long Index, Detections Dets)>();
        for (long f = 0; f < 50; f += 1 + rng.Next(3))
        {
            int n = 1 + rng.Next(6);
            var boxes = new BoxF[n];
            var scores = new float[n];
            var classes = new int[n];
            var emb = new float[n * Dim];
            for (int i = 0; i < n; i++)
            {
                // Awkward floats: fractions that are not short decimals, tiny and large coordinates, negative lefts.
                float x1 = (float)((rng.NextDouble() * 4000) - 5), y1 = (float)(rng.NextDouble() * 0.01);
                boxes[i] = new BoxF(x1, y1, x1 + (float)(rng.NextDouble() * 500) + 1e-3f, y1 + (float)(rng.NextDouble() * 3000) + 0.1f);
                scores[i] = i == 0 ? 0.1f : (float)rng.NextDouble();
                classes[i] = rng.Next(80);
                for (int k = 0; k < Dim; k++)
                {
                    emb[(i * Dim) + k] = (float)((rng.NextDouble() * 2) - 1) * MathF.Pow(10, rng.Next(-6, 6));
                }
            }

            frames.Add((f, new Detections(boxes, scores, classes, emb, Dim)));
        }

        using var dir = TestData.TempDir();
        string det = dir.File("run.det.txt");
        var sb = new StringBuilder();
        using (var sidecar = File.Create(DetectionDump.SidecarPath(det)))
        {
            DetectionDump.WriteSidecarHeader(sidecar, Dim);
            foreach (var (index, dets) in frames)
            {
                DetectionDump.AppendRows(sb, index, dets);
                DetectionDump.WriteEmbeddings(sidecar, dets);
            }
        }

        File.WriteAllText(det, sb.ToString());
        var file = DetectionFile.Load(det);
        Assert.False(file.ScoresNormalized);
        Assert.Equal(Dim, file.EmbeddingDim);
        Assert.Equal(frames.Count, file.FrameCount);
        foreach (var (index, expected) in frames)
        {
            Detections got = file.For(index);
            Assert.Equal(expected.Count, got.Count);
            Assert.Equal(expected.Boxes.ToArray(), got.Boxes.ToArray());
            Assert.Equal(expected.Scores.ToArray().Select(BitConverter.SingleToInt32Bits), got.Scores.ToArray().Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expected.ClassIds.ToArray(), got.ClassIds.ToArray());
            for (int i = 0; i < expected.Count; i++)
            {
                Assert.Equal(expected.Embedding(i).ToArray(), got.Embedding(i).ToArray());
            }
        }

        // The file is plain MOT det layout: frames 1-based, class in column 8.
        var first = MotChallengeFormat.Read(det).Rows[0];
        Assert.Equal((int)frames[0].Index + 1, first.Frame);
        Assert.Equal(frames[0].Dets.ClassIds[0], first.ClassId);
    }

    [Fact]
    public void Sidecar_FromAnotherFile_IsAnError()
    {
        using var dir = TestData.TempDir();
        string det = dir.File("a.det.txt");
        File.WriteAllText(det, "1,-1,1,2,3,4,0.5,0,-1,-1\n2,-1,1,2,3,4,0.5,0,-1,-1\n");
        using (var s = File.Create(DetectionDump.SidecarPath(det)))
        {
            DetectionDump.WriteSidecarHeader(s, 4);
            s.Write(new byte[4 * 4]);
        }

        var ex = Assert.Throws<VisionTrackerException>(() => DetectionFile.Load(det));
        Assert.Contains("do not belong together", ex.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// A live run's <c>--export detections</c>, replayed with <c>--detections</c>, gives byte-identical tracks (and the
/// tracker receives byte-identical rows), for the IoU tracker and, through the embeddings sidecar, the attention tracker.
/// </summary>
[Trait("Category", Categories.RealData)]
[Collection("VideoCli")]
public sealed class DetectionReplayTests
{
    [Theory]
    [InlineData("iou")]
    [InlineData("attention")]
    public async Task ExportedDetections_ReplayToByteIdenticalTracks(string tracker)
    {
        using var dir = TestData.TempDir();
        string video = TestData.Video("store-aisle.mp4");
        string live = Path.Combine(dir.Path, "live"), replay = Path.Combine(dir.Path, "replay");
        var (c1, _, e1) = await CliRunner.RunAsync("track", video, "--tracker", tracker, "--frames", "40", "--export", "mot,detections", "--out", live);
        Assert.True(c1 == 0, e1);
        string det = Path.Combine(live, "store-aisle.det.txt");
        Assert.True(File.Exists(DetectionDump.SidecarPath(det)), "the live run wrote no embeddings sidecar");
        var (c2, _, e2) = await CliRunner.RunAsync("track", video, "--tracker", tracker, "--frames", "40", "--detections", det, "--export", "mot,detections", "--out", replay);
        Assert.True(c2 == 0, e2);

        byte[] liveMot = File.ReadAllBytes(Path.Combine(live, "store-aisle.mot.txt"));
        byte[] replayMot = File.ReadAllBytes(Path.Combine(replay, "store-aisle.mot.txt"));
        int rows = MotChallengeFormat.Read(Path.Combine(live, "store-aisle.mot.txt")).Rows.Count;
        Assert.True(rows >= 40, $"only {rows} tracked boxes in 40 frames: nothing to compare");
        Assert.Equal(liveMot, replayMot);

        // What the tracker received in the replay is, byte for byte, what it received live.
        Assert.Equal(File.ReadAllBytes(det), File.ReadAllBytes(Path.Combine(replay, "store-aisle.det.txt")));
        Assert.Equal(File.ReadAllBytes(DetectionDump.SidecarPath(det)), File.ReadAllBytes(DetectionDump.SidecarPath(Path.Combine(replay, "store-aisle.det.txt"))));
    }

    [Fact]
    public async Task DetectAtTrackConf_PrintsExactlyWhatTrackTheTrackerGets()
    {
        using var dir = TestData.TempDir();
        string video = TestData.Video("store-aisle.mp4");
        string detected = dir.File("detect.det.txt");
        var (c1, _, e1) = await CliRunner.RunAsync("detect", video, "--conf", "0.1", "--format", "mot", "--frames", "5", "--out", detected);
        Assert.True(c1 == 0, e1);
        var (c2, _, e2) = await CliRunner.RunAsync("track", video, "--frames", "5", "--export", "detections", "--out", dir.File("run"));
        Assert.True(c2 == 0, e2);
        byte[] tracked = File.ReadAllBytes(Path.Combine(dir.Path, "run", "store-aisle.det.txt"));
        Assert.True(tracked.Length > 0);
        Assert.Equal(tracked, File.ReadAllBytes(detected));
    }
}
