using Google.Protobuf;
using VisionTracker.Detection.Onnx;

namespace VisionTracker.Detection;

/// <summary>
/// Finds the decoder hidden state that feeds a DETR's class head and exposes it (plus, for top-k deploy exports,
/// the query index of each output row) as extra graph outputs. Works on the parsed graph only: the edited model is
/// serialized in memory and the model file is never written.
/// </summary>
internal static class EmbeddingTap
{
    /// <summary>The extra output holding the int64 query index of each output row (top-k layouts).</summary>
    public const string QueryIndexOutput = "vtrack_query_index";

    // Ops the walk from the class-score output back to the class head may pass through.
    private static readonly HashSet<string> PassThrough = new(StringComparer.Ordinal)
    {
        "Add", "Sub", "Mul", "Div", "Sigmoid", "Softmax", "LogSoftmax", "Identity", "Cast", "Reshape", "Flatten",
        "Transpose", "Squeeze", "Unsqueeze", "TopK", "Gather", "GatherElements", "GatherND", "Slice", "Concat",
        "Split", "Expand", "Tile", "Clip", "Max", "ReduceMax", "ArgMax",
    };

    /// <summary>Looks for the tap; returns null (and why) when the graph has no recognisable class head.</summary>
    public static TapPlan? Find(OnnxModel model, OutputLayout layout, out string reason)
    {
        var graph = model.Proto.Graph;
        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<NodeProto>>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (string o in node.Output)
            {
                producers[o] = node;
            }

            foreach (string i in node.Input)
            {
                if (!consumers.TryGetValue(i, out var list))
                {
                    consumers[i] = list = [];
                }

                list.Add(node);
            }
        }

        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        string classOutput = layout switch
        {
            OutputLayout.Detr => "pred_logits",
            OutputLayout.RfDetr => "labels",
            _ => "scores",
        };
        long expectedClasses = layout switch
        {
            OutputLayout.Detr or OutputLayout.RfDetr => model.Output(classOutput)?.Shape[^1] ?? -1,
            _ => -1,
        };

        // Breadth-first from the class output: the nearest MatMul/Gemm with a constant [D,C] weight is the head.
        var queue = new Queue<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { classOutput };
        var visitedNodes = new List<NodeProto>();
        queue.Enqueue(classOutput);
        while (queue.Count > 0)
        {
            string name = queue.Dequeue();
            if (!producers.TryGetValue(name, out var node))
            {
                continue;
            }

            if (node.OpType is "MatMul" or "Gemm" && node.Input.Count >= 2 && ConstShape(node.Input[1], producers, initializers) is { Length: 2 } w
                && !IsConst(node.Input[0], producers, initializers))
            {
                bool transB = node.OpType == "Gemm" && node.Attribute.Any(a => a.Name == "transB" && a.I != 0);
                long d = transB ? w[1] : w[0];
                long c = transB ? w[0] : w[1];
                if (expectedClasses > 0 && c != expectedClasses)
                {
                    continue;
                }

                string? queryIndex = null;
                if (layout == OutputLayout.RtDetr)
                {
                    queryIndex = FindQueryIndex(visitedNodes, consumers);
                    if (queryIndex is null)
                    {
                        reason = $"found the class head {node.Name} but no TopK index → Div by {c} that maps output rows to queries";
                        return null;
                    }
                }

                reason = string.Empty;
                return new TapPlan(node.Input[0], node.Name, checked((int)d), checked((int)c), queryIndex);
            }

            if (!PassThrough.Contains(node.OpType))
            {
                continue;
            }

            visitedNodes.Add(node);
            foreach (string input in node.Input)
            {
                if (input.Length > 0 && !IsConst(input, producers, initializers) && seen.Add(input))
                {
                    queue.Enqueue(input);
                }
            }
        }

        reason = $"no MatMul/Gemm with a constant [D,C] weight found upstream of '{classOutput}'";
        return null;
    }

    /// <summary>Returns a copy of the model with the tap's tensors added as graph outputs, serialized.</summary>
    public static byte[] Apply(ModelProto model, TapPlan plan)
    {
        var edited = model.Clone();
        var graph = edited.Graph;
        if (graph.Output.All(o => o.Name != plan.HiddenName))
        {
            graph.Output.Add(new ValueInfoProto { Name = plan.HiddenName, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        }

        if (plan.QueryIndexSource is { } src)
        {
            var cast = new NodeProto { Name = "vtrack_query_index_cast", OpType = "Cast" };
            cast.Input.Add(src);
            cast.Output.Add(QueryIndexOutput);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Int64 });
            graph.Node.Add(cast);
            graph.Output.Add(new ValueInfoProto { Name = QueryIndexOutput, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64 } } });
        }

        return edited.ToByteArray();
    }

    // The TopK among the walked nodes (top-k over the flattened query x class scores) whose indices output is divided
    // (by the class count): that quotient is the query of each output row. The remainder is the label.
    private static string? FindQueryIndex(List<NodeProto> walked, Dictionary<string, List<NodeProto>> consumers)
    {
        foreach (var topk in walked.Where(n => n.OpType == "TopK" && n.Output.Count >= 2))
        {
            var frontier = new Queue<(string Name, int Depth)>();
            frontier.Enqueue((topk.Output[1], 0));
            while (frontier.Count > 0)
            {
                var (name, depth) = frontier.Dequeue();
                if (!consumers.TryGetValue(name, out var users) || depth > 3)
                {
                    continue;
                }

                foreach (var user in users)
                {
                    if (user.OpType == "Div" && user.Input[0] == name)
                    {
                        // Float division is followed by Floor; integer division truncates already.
                        string q = user.Output[0];
                        var floor = consumers.TryGetValue(q, out var after) ? after.FirstOrDefault(a => a.OpType == "Floor") : null;
                        return floor?.Output[0] ?? q;
                    }

                    if (user.OpType is "Cast" or "Identity" or "Reshape" or "Squeeze")
                    {
                        frontier.Enqueue((user.Output[0], depth + 1));
                    }
                }
            }
        }

        return null;
    }

    private static bool IsConst(string name, Dictionary<string, NodeProto> producers, Dictionary<string, TensorProto> initializers) =>
        initializers.ContainsKey(name) || (producers.TryGetValue(name, out var p) && p.OpType == "Constant");

    private static long[]? ConstShape(string name, Dictionary<string, NodeProto> producers, Dictionary<string, TensorProto> initializers)
    {
        if (initializers.TryGetValue(name, out var t))
        {
            return [.. t.Dims];
        }

        if (!producers.TryGetValue(name, out var p))
        {
            return null;
        }

        if (p.OpType == "Constant")
        {
            return p.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } v ? [.. v.Dims] : null;
        }

        if (p.OpType is "Identity" or "Cast" or "DequantizeLinear")
        {
            return ConstShape(p.Input[0], producers, initializers);
        }

        if (p.OpType == "Transpose" && ConstShape(p.Input[0], producers, initializers) is { Length: 2 } s)
        {
            return [s[1], s[0]];
        }

        return null;
    }
}
