using Google.Protobuf;
using VisionTracker.Detection.Onnx;

namespace VisionTracker.Detection;

/// <summary>An ONNX model read with the project's own <c>onnx.proto</c> subset: graph inputs, outputs and layout.</summary>
internal sealed class OnnxModel
{
    private OnnxModel(string path, ModelProto proto, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        Proto = proto;
        var graph = proto.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        Inputs = graph.Input.Where(v => !initializers.Contains(v.Name)).Select(ToInfo).ToArray();
        Outputs = graph.Output.Select(ToInfo).ToArray();
    }

    /// <summary>The file the model came from.</summary>
    public string Path { get; }

    /// <summary>The file's bytes as read (handed to ONNX Runtime when the graph is not edited).</summary>
    public byte[] Bytes { get; }

    /// <summary>The parsed model (edited in memory by the embedding tap, never written back to <see cref="Path"/>).</summary>
    public ModelProto Proto { get; }

    /// <summary>Graph inputs (initializers excluded).</summary>
    public IReadOnlyList<OnnxTensorInfo> Inputs { get; }

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<OnnxTensorInfo> Outputs { get; }

    /// <summary>The default-domain opset version.</summary>
    public long Opset => Proto.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or is not an ONNX model.</exception>
    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"Model file not found: {path}. Give a path to an .onnx file, or set VISIONTRACKER_DATA to the folder holding models/.");
        }

        byte[] bytes = File.ReadAllBytes(path);
        return Parse(path, bytes);
    }

    /// <summary>Parses a model already in memory.</summary>
    /// <exception cref="VisionTrackerException">The bytes are not an ONNX model.</exception>
    public static OnnxModel Parse(string path, byte[] bytes)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw NotOnnx(path, ex.Message);
        }

        if (proto.Graph is null || proto.Graph.Node.Count == 0 || proto.Graph.Output.Count == 0 || proto.IrVersion <= 0)
        {
            throw NotOnnx(path, "no graph with nodes and outputs");
        }

        return new OnnxModel(path, proto, bytes);
    }

    /// <summary>Finds the output called <paramref name="name"/>, or null.</summary>
    public OnnxTensorInfo? Output(string name) => Outputs.FirstOrDefault(o => o.Name == name);

    /// <summary>Finds the input called <paramref name="name"/>, or null.</summary>
    public OnnxTensorInfo? Input(string name) => Inputs.FirstOrDefault(o => o.Name == name);

    /// <summary>Recognises the output layout from output names and shapes (never from the file name).</summary>
    /// <exception cref="VisionTrackerException">No known layout matches.</exception>
    public OutputLayout RecogniseLayout()
    {
        if (Output("pred_logits") is { Shape.Length: 3 } && Output("pred_boxes") is { Shape.Length: 3 } pb && pb.Shape[2] is 4 or -1)
        {
            return OutputLayout.Detr;
        }

        if (Output("dets") is { Shape.Length: 3 } dets && dets.Shape[2] is 4 or -1 && Output("labels") is { Shape.Length: 3 })
        {
            return OutputLayout.RfDetr;
        }

        if (Output("labels") is { Shape.Length: 2 } && Output("scores") is { Shape.Length: 2 } && Output("boxes") is { Shape.Length: 3 } && Inputs.Count == 2)
        {
            return OutputLayout.RtDetr;
        }

        throw new VisionTrackerException(
            $"Unrecognised detector outputs in {System.IO.Path.GetFileName(Path)}: {string.Join(", ", Outputs.Select(o => o.Name + o.ShapeText))}. " +
            "Supported: labels/boxes/scores with inputs images+orig_target_sizes (RT-DETR/D-FINE/DEIM), pred_logits/pred_boxes (DETR), dets/labels (RF-DETR).");
    }

    /// <summary>The image input: the one 4-D float input (NCHW).</summary>
    /// <exception cref="VisionTrackerException">The model has no such input.</exception>
    public OnnxTensorInfo ImageInput() =>
        Inputs.FirstOrDefault(i => i.Shape.Length == 4 && i.ElementType == "float")
        ?? throw new VisionTrackerException($"Model {System.IO.Path.GetFileName(Path)} has no 4-D float image input (NCHW); inputs are {string.Join(", ", Inputs.Select(i => i.Name + i.ShapeText))}.");

    /// <summary>The ONNX element type name for a <see cref="TensorProto.Types.DataType"/> value.</summary>
    public static string ElementTypeName(int elemType) => elemType switch
    {
        1 => "float",
        2 => "uint8",
        3 => "int8",
        6 => "int32",
        7 => "int64",
        9 => "bool",
        10 => "float16",
        11 => "double",
        16 => "bfloat16",
        _ => "type" + elemType.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static VisionTrackerException NotOnnx(string path, string why) =>
        new($"{path} is not a loadable ONNX model ({why}). Give a DETR-family .onnx file, for example deimv2_hgnetv2_femto_coco.onnx.");

    private static OnnxTensorInfo ToInfo(ValueInfoProto v)
    {
        var t = v.Type?.TensorType;
        var dims = t?.Shape?.Dim;
        long[] shape = dims is null ? [] : dims.Select(d => d.HasDimValue ? d.DimValue : -1).ToArray();
        string[] sym = dims is null ? [] : dims.Select(d => d.HasDimParam ? d.DimParam : string.Empty).ToArray();
        return new OnnxTensorInfo(v.Name, ElementTypeName(t?.ElemType ?? 0), shape, sym);
    }
}
