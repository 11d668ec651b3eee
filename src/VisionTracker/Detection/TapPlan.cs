namespace VisionTracker.Detection;

/// <summary>Where the embedding tap found the decoder hidden state and the per-row query index.</summary>
/// <param name="HiddenName">The tensor [N,Q,D] feeding the class head (the data input of its MatMul/Gemm).</param>
/// <param name="HeadNode">Name of the class-head MatMul/Gemm node.</param>
/// <param name="EmbeddingDim">D, the hidden size.</param>
/// <param name="NumClasses">Output width of the class head.</param>
/// <param name="QueryIndexSource">For top-k layouts, the tensor giving each output row's query index; null when rows are queries.</param>
internal sealed record TapPlan(string HiddenName, string HeadNode, int EmbeddingDim, int NumClasses, string? QueryIndexSource);
