namespace VisionTracker.Detection;

/// <summary>A model file found by <see cref="ModelStore"/>.</summary>
/// <param name="Path">Absolute path of the .onnx file.</param>
/// <param name="Entry">Its manifest entry, or null for a file the manifest does not know.</param>
/// <param name="Verified">True when the file's sha256 matched its manifest entry.</param>
public sealed record ResolvedModel(string Path, ModelEntry? Entry, bool Verified);
