using VisionTracker.Annotations;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Pipeline;

/// <summary>
/// Detections read from a MOTChallenge det.txt instead of a detector, so trackers can be evaluated on public
/// detections as MOTChallenge does. Rows are grouped by frame (1-based in the file, 0-based frame index here).
/// </summary>
/// <remarks>
/// Public MOT detectors write confidences on their own scales (TUD-Campus det.txt runs from 0.14 to 133), while
/// the trackers' thresholds are in [0, 1]. When any confidence exceeds 1, every score is divided by the file's
/// maximum, which keeps their order and puts them in [0, 1]; files already in [0, 1] are left as they are.
/// </remarks>
public sealed class DetectionFile
{
    private readonly Dictionary<long, Detections> _byFrame;

    private DetectionFile(Dictionary<long, Detections> byFrame, float scoreScale)
    {
        _byFrame = byFrame;
        ScoreScale = scoreScale;
    }

    /// <summary>The factor the file's confidences were multiplied by (1 when they were already in [0, 1]).</summary>
    public float ScoreScale { get; }

    /// <summary>Number of frames with at least one detection.</summary>
    public int FrameCount => _byFrame.Count;

    /// <summary>Reads <paramref name="path"/>; rows without a class get <paramref name="defaultClassId"/> (0 = person).</summary>
    /// <exception cref="VisionTrackerException">The file is missing or malformed (the message names the line).</exception>
    public static DetectionFile Load(string path, int defaultClassId = 0)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Detection file not found: {path}. Pass a MOTChallenge det.txt (frame,id,x,y,w,h,conf,...).");
        }

        TrackSequence seq = MotChallengeFormat.Read(path);
        double max = seq.Rows.Count == 0 ? 1 : seq.Rows.Max(r => r.Score);
        float scale = max > 1 ? (float)(1 / max) : 1f;
        var byFrame = seq.Rows
            .GroupBy(r => (long)r.Frame - 1)
            .ToDictionary(
                g => g.Key,
                g => new Detections(
                    g.Select(r => r.Box).ToArray(),
                    g.Select(r => (float)Math.Clamp(r.Score * scale, 0, 1)).ToArray(),
                    Enumerable.Repeat(defaultClassId, g.Count()).ToArray()));
        return new DetectionFile(byFrame, scale);
    }

    /// <summary>The detections of frame <paramref name="frameIndex"/> (0-based), empty when the file has none.</summary>
    public Detections For(long frameIndex) => _byFrame.TryGetValue(frameIndex, out var d) ? d : Detections.Empty;

    /// <summary>A per-frame detection function for <see cref="TrackingPipeline"/>.</summary>
    public Func<Frame, Detections> AsDetector() => f => For(f.Index);
}
