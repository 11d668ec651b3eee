using OpenCvSharp;

namespace VisionTracker.Detection;

/// <summary>Detects objects in one BGR image and returns them as <see cref="Detections"/> in that image's pixels.</summary>
public interface IDetector : IDisposable
{
    /// <summary>What the detector is: model, input size, layout, embedding size.</summary>
    DetectorInfo Info { get; }

    /// <summary>Cumulative per-stage timings (pre, infer, post) since creation.</summary>
    StageTimings Timings { get; }

    /// <summary>Detects objects in <paramref name="bgrImage"/> (8-bit, 3 channels). The image is not modified.</summary>
    Detections Detect(Mat bgrImage);
}
