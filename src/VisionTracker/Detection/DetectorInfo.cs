namespace VisionTracker.Detection;

/// <summary>Describes a loaded detector.</summary>
/// <param name="ModelName">Manifest name or file name of the model.</param>
/// <param name="InputWidth">Network input width in pixels.</param>
/// <param name="InputHeight">Network input height in pixels.</param>
/// <param name="Layout">The recognised output layout.</param>
/// <param name="EmbeddingDim">Size of the per-detection decoder embedding, or 0 when no tap was found.</param>
/// <param name="ExecutionProvider">The ONNX Runtime execution provider in use (cpu, cuda, tensorrt).</param>
/// <param name="ClassNames">Class names by class id.</param>
public sealed record DetectorInfo(string ModelName, int InputWidth, int InputHeight, OutputLayout Layout, int EmbeddingDim, string ExecutionProvider, IReadOnlyList<string> ClassNames);
