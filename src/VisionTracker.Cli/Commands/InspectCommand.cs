using System.CommandLine;
using System.Globalization;
using VisionTracker.Detection;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>inspect MODEL.onnx</c>: prints a model's inputs, outputs, opset, IR version, recognised layout and embedding tap.
/// Built as a plain <c>inspect</c> command so that it can sit under <c>vtrack models</c>.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("model") { Description = "Path of an .onnx model file." };
        var cmd = new Command("inspect", "Print an ONNX model's inputs, outputs, layout and embedding tap.") { file };
        cmd.SetHandler(p =>
        {
            var model = OnnxModel.Load(p.GetRequiredValue(file));
            Console.WriteLine(Inspect(model));
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>The report text for <paramref name="model"/>.</summary>
    internal static string Inspect(OnnxModel model)
    {
        var sb = new System.Text.StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine(ic, $"model:      {model.Path}");
        sb.AppendLine(ic, $"ir_version: {model.Proto.IrVersion}   opset: {model.Opset}   producer: {model.Proto.ProducerName} {model.Proto.ProducerVersion}");
        sb.AppendLine("inputs:");
        foreach (var i in model.Inputs)
        {
            sb.AppendLine(ic, $"  {i.Name,-24} {i.ElementType,-8} {i.ShapeText}");
        }

        sb.AppendLine("outputs:");
        foreach (var o in model.Outputs)
        {
            sb.AppendLine(ic, $"  {o.Name,-24} {o.ElementType,-8} {o.ShapeText}");
        }

        OutputLayout layout;
        try
        {
            layout = model.RecogniseLayout();
        }
        catch (VisionTrackerException ex)
        {
            sb.AppendLine(ic, $"layout:     not a recognised DETR layout ({ex.Message})");
            return sb.ToString().TrimEnd();
        }

        sb.AppendLine(ic, $"layout:     {layout}");
        var tap = EmbeddingTap.Find(model, layout, out string reason);
        if (tap is null)
        {
            sb.AppendLine(ic, $"tap:        none ({reason}); detections come without embeddings");
        }
        else
        {
            sb.AppendLine(ic, $"tap:        found, embedding size {tap.EmbeddingDim}");
            sb.AppendLine(ic, $"  hidden:      {tap.HiddenName} (input of {tap.HeadNode}, {tap.NumClasses} classes)");
            sb.AppendLine(ic, $"  query index: {tap.QueryIndexSource ?? "(rows are queries)"}");
        }

        return sb.ToString().TrimEnd();
    }
}
