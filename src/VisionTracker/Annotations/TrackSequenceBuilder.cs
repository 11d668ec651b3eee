using VisionTracker.Detection;

namespace VisionTracker.Annotations;

/// <summary>
/// Collects tracked <see cref="Detections"/> frame by frame into a <see cref="TrackSequence"/> for the
/// whole-file exporters (MOT, CVAT, COCO-video). Only rows with a track id ≥ 1 are kept.
/// </summary>
internal sealed class TrackSequenceBuilder
{
    private readonly List<TrackRecord> _rows = [];
    private int _lastFrame;

    /// <summary>Adds one frame's detections; <paramref name="frameIndex"/> is 0-based (it is stored 1-based).</summary>
    public void Add(long frameIndex, Detections detections)
    {
        ArgumentNullException.ThrowIfNull(detections);
        int frame = checked((int)frameIndex + 1);
        _lastFrame = Math.Max(_lastFrame, frame);
        if (!detections.HasTrackIds)
        {
            return;
        }

        var boxes = detections.Boxes;
        var ids = detections.TrackIds;
        var scores = detections.Scores;
        var classes = detections.ClassIds;
        for (int i = 0; i < detections.Count; i++)
        {
            if (ids[i] >= 1)
            {
                _rows.Add(TrackRecord.FromBox(frame, ids[i], boxes[i], scores[i], classes[i]));
            }
        }
    }

    /// <summary>Builds the sequence; frame count is the last frame added.</summary>
    public TrackSequence Build(string name, int width, int height, double fps, IReadOnlyDictionary<int, string>? classNames = null) =>
        new(name, _rows)
        {
            Width = width,
            Height = height,
            Fps = fps,
            FrameCount = _lastFrame,
            ClassNames = classNames is null ? [] : new Dictionary<int, string>(classNames),
        };
}
