namespace VisionTracker.Detection;

/// <summary>A graph input or output as declared in the ONNX file: name, element type and shape (-1 = dynamic).</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="ElementType">ONNX element type name (float, int64, ...).</param>
/// <param name="Shape">Dimensions; -1 where the dimension is dynamic or unknown.</param>
/// <param name="SymbolicShape">Dimension names where dynamic (empty string where fixed).</param>
internal sealed record OnnxTensorInfo(string Name, string ElementType, long[] Shape, string[] SymbolicShape)
{
    /// <summary>The shape as <c>[1,3,416,416]</c>, with dynamic dimensions by name.</summary>
    public string ShapeText => "[" + string.Join(",", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : (SymbolicShape[i].Length > 0 ? SymbolicShape[i] : "?"))) + "]";
}
