namespace VisionTracker.Detection;

/// <summary>One model in <c>models/models.json</c>.</summary>
/// <param name="Name">Short name used on the command line (deimv2-femto).</param>
/// <param name="File">File name on disk.</param>
/// <param name="Url">Upstream download URL.</param>
/// <param name="Sha256">Expected SHA-256 of the file, lower-case hex.</param>
/// <param name="Size">Expected size in bytes.</param>
/// <param name="Task"><c>detection</c> or <c>reid</c>.</param>
/// <param name="Layout">Declared output layout name (checked against the graph, which wins).</param>
/// <param name="InputWidth">Input width, used when the model's input dimension is dynamic.</param>
/// <param name="InputHeight">Input height, used when the model's input dimension is dynamic.</param>
/// <param name="Preprocess">Input preprocessing.</param>
/// <param name="Labels">Label set name (coco80) or null.</param>
/// <param name="License">The model's license.</param>
public sealed record ModelEntry(string Name, string File, string Url, string Sha256, long Size, string Task, string Layout, int InputWidth, int InputHeight, PreprocessSpec Preprocess, string? Labels, string License);
