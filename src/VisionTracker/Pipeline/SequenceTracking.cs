using System.Globalization;
using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// The detections of one MOT sequence, frame by frame (after subsampling), with the timestamps they were taken at.
/// Detect once, then feed the same detections to as many trackers as needed.
/// </summary>
/// <param name="Name">Sequence name.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
/// <param name="Fps">Frame rate of the kept frames (source fps / step).</param>
/// <param name="Step">Every <c>Step</c>-th source frame was kept (1 = all).</param>
/// <param name="Frames">Detections per kept frame; frame k (0-based) is source frame k × Step.</param>
/// <param name="Timestamps">Time of each kept frame in seconds (source index / source fps).</param>
internal sealed record SequenceDetections(string Name, int Width, int Height, double Fps, int Step, IReadOnlyList<Detections> Frames, IReadOnlyList<double> Timestamps)
{
    /// <summary>
    /// Keeps every <paramref name="step"/>-th kept frame (0, step, 2·step, …): the same as detecting with that step,
    /// without running the detector again.
    /// </summary>
    public SequenceDetections EveryKth(int step)
    {
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), "The step must be at least 1.");
        }

        var keep = Enumerable.Range(0, Frames.Count).Where(k => k % step == 0).ToArray();
        return this with
        {
            Fps = Fps / step,
            Step = Step * step,
            Frames = keep.Select(k => Frames[k]).ToArray(),
            Timestamps = keep.Select(k => Timestamps[k]).ToArray(),
        };
    }

    /// <summary>The same detections without embeddings (geometry-only tracking).</summary>
    public SequenceDetections WithoutEmbeddings() => this with
    {
        Frames = Frames.Select(d => new Detections(d.Boxes.ToArray(), d.Scores.ToArray(), d.ClassIds.ToArray())).ToArray(),
    };
}

/// <summary>
/// Offline tracking of a MOTChallenge sequence folder for evaluation: detections from a detector (run once) or from
/// a MOT <c>det.txt</c>, any <see cref="ITracker"/>, and ground truth renumbered to match, all as
/// <see cref="TrackSequence"/>s ready for the evaluator. Supports keeping every k-th frame (low frame-rate studies):
/// source frames 1, 1+k, 1+2k, … become frames 1, 2, 3, …, and the ground truth is kept and renumbered the same way.
/// </summary>
internal static class SequenceTracking
{
    /// <summary>
    /// Runs <paramref name="detector"/> on every <paramref name="step"/>-th image of the sequence folder and keeps the
    /// detections of <paramref name="classes"/> (all when null) scoring at least <paramref name="minScore"/>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The folder is not a MOT sequence, or an image does not decode.</exception>
    public static SequenceDetections Detect(string sequenceDir, IDetector detector, int step = 1, IReadOnlySet<int>? classes = null, float minScore = 0f)
    {
        ArgumentNullException.ThrowIfNull(detector);
        return ReadFrames(sequenceDir, step, (frame, _) =>
        {
            Detections d = detector.Detect(frame.Image);
            d = classes is null ? d : d.WithClasses(classes);
            return minScore > 0 ? d.WithMinScore(minScore) : d;
        });
    }

    /// <summary>
    /// Replaces the embeddings of <paramref name="detections"/> with re-ID embeddings of each box's crop (OSNet),
    /// reading the same frames of the sequence folder again.
    /// </summary>
    public static SequenceDetections EmbedWithReid(string sequenceDir, SequenceDetections detections, ReidEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(embedder);
        var embedded = ReadFrames(sequenceDir, detections.Step, (frame, k) => embedder.Embed(frame.Image, detections.Frames[k]));
        return detections with { Frames = embedded.Frames };
    }

    /// <summary>
    /// Reads a MOT detection file (<c>frame,-1,x,y,w,h,conf,…</c>; default <c>SEQ/det/det.txt</c>) for the sequence
    /// folder, keeping every <paramref name="step"/>-th frame. Every row is given class <paramref name="classId"/>
    /// (COCO person by default, so class gates match detector output) and its confidence normalised with
    /// <see cref="NormalizeScores"/>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The file is missing or malformed, or the folder has no images and no seqinfo.ini length.</exception>
    public static SequenceDetections ReadDetections(string sequenceDir, int step = 1, string? detFile = null, int classId = 0)
    {
        CheckStep(step);
        (string name, int width, int height, double fps, int length) = Describe(sequenceDir);
        var file = DetectionFile.Load(detFile ?? Path.Combine(sequenceDir, "det", "det.txt"), classId);
        int kept = KeptCount(length, step);
        var frames = new Detections[kept];
        var times = new double[kept];
        for (int k = 0; k < kept; k++)
        {
            int source = k * step;
            times[k] = source / fps;
            frames[k] = file.For(source);
        }

        return new SequenceDetections(name, width, height, fps / step, step, frames, times);
    }

    /// <summary>
    /// Maps detection-file confidences into [0, 1] so that the tracker's probability thresholds apply. Files already in
    /// [0, 1] (MOT17 FRCNN/SDP, DETR output) are kept as they are. Otherwise (MOT15 ACF/DPM scores, e.g. TUD-Campus
    /// 0.14 to 133, or negative DPM margins) each confidence becomes its empirical quantile in the file: the fraction
    /// of the file's rows scoring at or below it. This is monotone, independent of the detector's units and of outliers
    /// (dividing by the maximum would put a typical TUD-Campus detection at 0.33, below every default threshold, because
    /// of one 133), and spreads scores over [0, 1] the way the thresholds expect: half the file is above 0.5.
    /// </summary>
    public static float[] NormalizeScores(IReadOnlyList<double> confidences)
    {
        ArgumentNullException.ThrowIfNull(confidences);
        var result = new float[confidences.Count];
        if (confidences.All(c => c is >= 0 and <= 1))
        {
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (float)confidences[i];
            }

            return result;
        }

        double[] sorted = confidences.Order().ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            // Upper bound: number of values <= c.
            int lo = 0, hi = sorted.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] <= confidences[i])
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            result[i] = (float)lo / sorted.Length;
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="tracker"/> (after <see cref="ITracker.Reset"/>) over the detections and collects its output
    /// into a sequence whose frames are numbered 1.. in kept-frame order, like <see cref="ReadGroundTruth"/>.
    /// </summary>
    public static TrackSequence Track(SequenceDetections detections, ITracker tracker) => Track(detections, tracker, null);

    /// <summary>
    /// As <see cref="Track(SequenceDetections, ITracker)"/>, and when <paramref name="cameraMotion"/> is given (one
    /// transform per kept frame, from the previous kept frame, as <see cref="EstimateCameraMotion"/> returns) and the
    /// tracker is <see cref="ICameraMotionCompensated"/>, hands it each frame's camera motion before its update.
    /// </summary>
    public static TrackSequence Track(SequenceDetections detections, ITracker tracker, IReadOnlyList<Affine2>? cameraMotion)
    {
        ArgumentNullException.ThrowIfNull(detections);
        ArgumentNullException.ThrowIfNull(tracker);
        tracker.Reset();
        var builder = new TrackSequenceBuilder();
        var late = new List<LateTrackBox>();
        var frameOf = new Dictionary<double, int>();
        for (int k = 0; k < detections.Frames.Count; k++)
        {
            frameOf.TryAdd(detections.Timestamps[k], k);
            if (cameraMotion is not null && k < cameraMotion.Count && tracker is ICameraMotionCompensated gmc)
            {
                gmc.ApplyCameraMotion(cameraMotion[k]);
            }

            builder.Add(k, tracker.Update(detections.Frames[k], detections.Timestamps[k]));
            if (tracker is IOfflineTracker offline)
            {
                // Boxes of tracks confirmed this frame, for the frames they were tentative in.
                offline.DrainLateBoxes(late);
                foreach (LateTrackBox b in late)
                {
                    if (frameOf.TryGetValue(b.TimestampSeconds, out int f))
                    {
                        builder.Add(f, new Detections([b.Box], [b.Score], [b.ClassId], trackIds: [b.TrackId]));
                    }
                }

                late.Clear();
            }
        }

        var seq = builder.Build(detections.Name, detections.Width, detections.Height, detections.Fps);
        seq.FrameCount = detections.Frames.Count;
        return seq;
    }

    /// <summary>
    /// Camera motion of every <paramref name="step"/>-th image of the sequence folder from the previous kept image
    /// (the first is the identity), for <see cref="Track(SequenceDetections, ITracker, IReadOnlyList{Affine2})"/>.
    /// <paramref name="objects"/>, one per kept image, masks the detected objects out of the estimate.
    /// </summary>
    public static Affine2[] EstimateCameraMotion(string sequenceDir, int step, CameraMotionEstimator estimator, IReadOnlyList<Detections>? objects = null)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(sequenceDir);
        CheckStep(step);
        estimator.Reset();
        var motion = new List<Affine2>();
        using var source = new MotSequenceSource(sequenceDir, new FrameSourceOptions { Stride = step, Warn = static _ => { } });
        while (source.Read() is { } frame)
        {
            using (frame)
            {
                motion.Add(estimator.Estimate(frame.Image, objects is not null && motion.Count < objects.Count ? objects[motion.Count] : null));
            }
        }

        return [.. motion];
    }

    /// <summary>
    /// Reads <c>SEQ/gt/gt.txt</c>, keeping the rows of every <paramref name="step"/>-th frame (1, 1+step, …) renumbered
    /// 1, 2, …; the frame count is the number of kept frames of the images on disk (seqinfo.ini's length when there
    /// are none), so a shortened sequence (MOT17-mini) is scored over the frames that exist.
    /// </summary>
    /// <exception cref="VisionTrackerException">gt.txt is missing or malformed.</exception>
    public static TrackSequence ReadGroundTruth(string sequenceDir, int step = 1)
    {
        CheckStep(step);
        (string name, int width, int height, double fps, int length) = Describe(sequenceDir);
        var gt = MotChallengeFormat.Read(Path.Combine(sequenceDir, "gt", "gt.txt"));
        int kept = KeptCount(length, step);
        var rows = gt.Rows
            .Where(r => (r.Frame - 1) % step == 0 && ((r.Frame - 1) / step) < kept)
            .Select(r => r with { Frame = ((r.Frame - 1) / step) + 1 });
        var result = gt.WithRows(rows);
        result.Name = name;
        result.Width = width;
        result.Height = height;
        result.Fps = fps / step;
        result.FrameCount = kept;
        return result;
    }

    /// <summary>
    /// Runs <paramref name="detector"/> on every frame <paramref name="source"/> yields (a video or camera as well as a
    /// sequence folder). <paramref name="step"/> is the stride the source was opened with; it only sets the output
    /// frame rate (source fps / step).
    /// </summary>
    public static SequenceDetections Detect(IFrameSource source, IDetector detector, int step = 1, IReadOnlySet<int>? classes = null, float minScore = 0f)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(detector);
        CheckStep(step);
        return ReadFrames(source, step, (frame, _) =>
        {
            Detections d = detector.Detect(frame.Image);
            d = classes is null ? d : d.WithClasses(classes);
            return minScore > 0 ? d.WithMinScore(minScore) : d;
        });
    }

    private static SequenceDetections ReadFrames(string sequenceDir, int step, Func<Frame, int, Detections> perFrame)
    {
        ArgumentNullException.ThrowIfNull(sequenceDir);
        CheckStep(step);
        using var source = new MotSequenceSource(sequenceDir, new FrameSourceOptions { Stride = step, Warn = static _ => { } });
        return ReadFrames(source, step, perFrame);
    }

    private static SequenceDetections ReadFrames(IFrameSource source, int step, Func<Frame, int, Detections> perFrame)
    {
        var frames = new List<Detections>();
        var times = new List<double>();
        while (source.Read() is { } frame)
        {
            using (frame)
            {
                frames.Add(perFrame(frame, frames.Count));
                times.Add(frame.TimestampSeconds);
            }
        }

        FrameSourceInfo info = source.Info;
        return new SequenceDetections(info.Name, info.Width, info.Height, info.Fps / step, step, frames, times);
    }

    private static (string Name, int Width, int Height, double Fps, int Length) Describe(string sequenceDir)
    {
        ArgumentNullException.ThrowIfNull(sequenceDir);
        string ini = Path.Combine(sequenceDir, "seqinfo.ini");
        SeqInfo? info = File.Exists(ini) ? SeqInfo.Parse(ini) : null;
        string imDir = Path.Combine(sequenceDir, "img1");
        int images = Directory.Exists(imDir) ? Directory.EnumerateFiles(imDir).Count(f => long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out _)) : 0;
        int length = images > 0 ? images : info?.Length ?? 0;
        if (length <= 0)
        {
            throw new VisionTrackerException($"{sequenceDir}: no img1/ images and no seqLength in seqinfo.ini; pass a MOT sequence folder.");
        }

        string name = info is { Name.Length: > 0 } ? info.Name : Path.GetFileName(Path.GetFullPath(sequenceDir).TrimEnd(Path.DirectorySeparatorChar));
        double fps = info is { FrameRate: > 0 } ? info.FrameRate : 25;
        return (name, info?.Width ?? 0, info?.Height ?? 0, fps, length);
    }

    private static int KeptCount(int length, int step) => (length + step - 1) / step;

    private static void CheckStep(int step)
    {
        if (step < 1)
        {
            throw new VisionTrackerException(string.Create(CultureInfo.InvariantCulture, $"Frame step {step} is not valid; use 1 (every frame) or more."));
        }
    }
}
