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
/// the trackers' thresholds are in [0, 1]: scores are normalised by <see cref="SequenceTracking.NormalizeScores"/>
/// (kept when already in [0, 1], otherwise replaced by their quantile in the file), as the quality runs do.
/// </remarks>
public sealed class DetectionFile
{
    private readonly Dictionary<long, Detections> _byFrame;

    private DetectionFile(Dictionary<long, Detections> byFrame, bool normalized)
    {
        _byFrame = byFrame;
        ScoresNormalized = normalized;
    }

    /// <summary>Whether the file's confidences were outside [0, 1] and were replaced by their quantiles.</summary>
    public bool ScoresNormalized { get; }

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

        var rows = MotChallengeFormat.Read(path).Rows;
        float[] scores = SequenceTracking.NormalizeScores(rows.Select(r => r.Score).ToArray());
        var byFrame = Enumerable.Range(0, rows.Count)
            .GroupBy(i => (long)rows[i].Frame - 1)
            .ToDictionary(
                g => g.Key,
                g => new Detections(
                    g.Select(i => rows[i].Box).ToArray(),
                    g.Select(i => scores[i]).ToArray(),
                    Enumerable.Repeat(defaultClassId, g.Count()).ToArray()));
        bool normalized = rows.Any(r => r.Score is < 0 or > 1);
        return new DetectionFile(byFrame, normalized);
    }

    /// <summary>The detections of frame <paramref name="frameIndex"/> (0-based), empty when the file has none.</summary>
    public Detections For(long frameIndex) => _byFrame.TryGetValue(frameIndex, out var d) ? d : Detections.Empty;

    /// <summary>A per-frame detection function for <see cref="TrackingPipeline"/>.</summary>
    public Func<Frame, Detections> AsDetector() => f => For(f.Index);
}
