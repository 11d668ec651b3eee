using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using VisionTracker.Geometry;

namespace VisionTracker.Detection;

/// <summary>
/// Appearance embeddings from a person re-identification model (OSNet x0.25 in the manifest): each box is
/// cropped, resized to the model's input, normalised, and embedded; the result is L2-normalised.
/// </summary>
/// <remarks>
/// This is the alternative to the detector's own decoder embeddings: more expensive (one network run per box),
/// but trained for identity. The input tensor, resized crop and output buffer are reused across calls.
/// </remarks>
public sealed class ReidEmbedder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly int _width;
    private readonly int _height;
    private readonly PreprocessSpec _pre;
    private readonly float[] _input;
    private readonly OrtValue _inputValue;
    private readonly Mat _resized = new();
    private readonly RunOptions _runOptions = new();

    /// <summary>Loads the re-ID model at <paramref name="modelPath"/>.</summary>
    /// <exception cref="VisionTrackerException">The file is missing or is not a usable re-ID model.</exception>
    public ReidEmbedder(string modelPath, PreprocessSpec? preprocess = null, int intraOpThreads = 0)
    {
        if (!File.Exists(modelPath))
        {
            throw new VisionTrackerException($"Re-ID model not found: {modelPath}. Get it with 'vtrack models pull osnet-x0.25'.");
        }

        using var so = new SessionOptions { IntraOpNumThreads = intraOpThreads > 0 ? intraOpThreads : Environment.ProcessorCount };
        try
        {
            _session = new InferenceSession(modelPath, so);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new VisionTrackerException($"Cannot load re-ID model {modelPath}: {ex.Message.Split('\n')[0]}", ex);
        }

        var (inName, inMeta) = _session.InputMetadata.First();
        var (outName, outMeta) = _session.OutputMetadata.First();
        int[] dims = inMeta.Dimensions;
        if (dims.Length != 4 || dims[1] != 3 || dims[2] <= 0 || dims[3] <= 0 || outMeta.Dimensions.Length != 2 || outMeta.Dimensions[1] <= 0)
        {
            _session.Dispose();
            throw new VisionTrackerException($"{modelPath} is not a re-ID model: expected input [1,3,H,W] and output [1,D], got [{string.Join(",", dims)}] and [{string.Join(",", outMeta.Dimensions)}].");
        }

        _inputName = inName;
        _outputName = outName;
        _height = dims[2];
        _width = dims[3];
        Dimension = outMeta.Dimensions[1];
        _pre = preprocess ?? PreprocessSpec.ImageNet;
        _input = new float[3 * _width * _height];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, 3, _height, _width]);
    }

    /// <summary>Embedding size (512 for OSNet).</summary>
    public int Dimension { get; }

    /// <summary>
    /// Embeds every box of <paramref name="detections"/> in <paramref name="bgrImage"/> and returns the
    /// detections with their <see cref="Detections.Embeddings"/> replaced.
    /// </summary>
    public Detections Embed(Mat bgrImage, Detections detections)
    {
        ArgumentNullException.ThrowIfNull(bgrImage);
        ArgumentNullException.ThrowIfNull(detections);
        var result = new float[detections.Count * Dimension];
        for (int i = 0; i < detections.Count; i++)
        {
            EmbedOne(bgrImage, detections.Boxes[i], result.AsSpan(i * Dimension, Dimension));
        }

        return detections.WithEmbeddings(result, Dimension);
    }

    /// <summary>Embeds the crop <paramref name="box"/> of <paramref name="bgrImage"/> into <paramref name="destination"/> (L2-normalised).</summary>
    public void EmbedOne(Mat bgrImage, BoxF box, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(bgrImage);
        var b = box.Clip(bgrImage.Width, bgrImage.Height);
        int x = (int)b.X1, y = (int)b.Y1;
        int w = Math.Max(1, (int)MathF.Ceiling(b.X2) - x), h = Math.Max(1, (int)MathF.Ceiling(b.Y2) - y);
        w = Math.Min(w, bgrImage.Width - x);
        h = Math.Min(h, bgrImage.Height - y);
        if (w <= 0 || h <= 0)
        {
            destination.Clear();
            return;
        }

        using (var crop = new Mat(bgrImage, new Rect(x, y, w, h)))
        {
            Cv2.Resize(crop, _resized, new Size(_width, _height), 0, 0, InterpolationFlags.Linear);
        }

        FillInput();
        using var outputs = _session.Run(_runOptions, [_inputName], [_inputValue], [_outputName]);
        ReadOnlySpan<float> emb = outputs[0].GetTensorDataAsSpan<float>();
        emb[..Dimension].CopyTo(destination);
        float norm = TensorPrimitives.Norm(destination);
        if (norm > 0)
        {
            TensorPrimitives.Divide(destination, norm, destination);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _inputValue.Dispose();
        _resized.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private unsafe void FillInput()
    {
        int plane = _width * _height;
        bool rgb = string.Equals(_pre.ColorOrder, "rgb", StringComparison.OrdinalIgnoreCase);
        byte* p = (byte*)_resized.Data;
        long step = _resized.Step();
        for (int c = 0; c < 3; c++)
        {
            int src = rgb ? 2 - c : c;
            float scale = _pre.Scale / _pre.Std[c];
            float bias = -_pre.Mean[c] / _pre.Std[c];
            Span<float> dst = _input.AsSpan(c * plane, plane);
            for (int yy = 0; yy < _height; yy++)
            {
                byte* row = p + (yy * step);
                int o = yy * _width;
                for (int xx = 0; xx < _width; xx++)
                {
                    dst[o + xx] = (row[(xx * 3) + src] * scale) + bias;
                }
            }
        }
    }
}
