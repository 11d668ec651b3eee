using Google.Protobuf;
using VisionTracker.Detection.Onnx;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Tests.Detection;

/// <summary>Builds tiny ONNX graphs with known numbers, through the project's own onnx.proto subset.</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };

    public OnnxGraphBuilder Input(string name, int elemType, params long[] dims)
    {
        _graph.Input.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxGraphBuilder Output(string name, int elemType, params long[] dims)
    {
        _graph.Output.Add(ValueInfo(name, elemType, dims));
        return this;
    }

    public OnnxGraphBuilder Initializer(string name, long[] dims, float[] data)
    {
        _graph.Initializer.Add(Tensor(name, dims, data));
        return this;
    }

    public OnnxGraphBuilder Constant(string output, long[] dims, float[] data)
    {
        var node = new NodeProto { OpType = "Constant", Name = "const_" + output };
        node.Output.Add(output);
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = Tensor(output, dims, data) });
        _graph.Node.Add(node);
        return this;
    }

    public OnnxGraphBuilder ConstantInt64(string output, long[] dims, long[] data)
    {
        var t = new TensorProto { Name = output, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(data);
        var node = new NodeProto { OpType = "Constant", Name = "const_" + output };
        node.Output.Add(output);
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = t });
        _graph.Node.Add(node);
        return this;
    }

    public OnnxGraphBuilder Node(string opType, string[] inputs, string[] outputs, string? name = null, string domain = "", params (string Name, long Value)[] intAttributes)
    {
        var node = new NodeProto { OpType = opType, Name = name ?? opType + "_" + outputs[0], Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (attr, value) in intAttributes)
        {
            node.Attribute.Add(new AttributeProto { Name = attr, Type = AttributeProto.Types.AttributeType.Int, I = value });
        }

        _graph.Node.Add(node);
        return this;
    }

    public byte[] Build()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "vtrack-tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 17 });
        return model.ToByteArray();
    }

    public string Save(TempDir dir, string file)
    {
        string path = dir.File(file);
        File.WriteAllBytes(path, Build());
        return path;
    }

    public static float[] Identity(int n)
    {
        var w = new float[n * n];
        for (int i = 0; i < n; i++)
        {
            w[(i * n) + i] = 1f;
        }

        return w;
    }

    private static ValueInfoProto ValueInfo(string name, int elemType, long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims)
        {
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }

    private static TensorProto Tensor(string name, long[] dims, float[] data)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(data);
        return t;
    }
}
