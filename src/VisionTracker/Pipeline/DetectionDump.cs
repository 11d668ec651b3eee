using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using VisionTracker.Detection;

namespace VisionTracker.Pipeline;

/// <summary>
/// The exact detection dump: MOTChallenge det.txt rows <c>frame,-1,left,top,width,height,score,class,-1,-1</c>
/// (frames 1-based, class = the 0-based COCO id), each number the shortest text that reads back to the exact value
/// the tracker received, plus an optional embeddings sidecar (<see cref="SidecarPath"/>) for the attention tracker.
/// <see cref="DetectionFile"/> reads both back bit for bit.
/// </summary>
/// <remarks>
/// A box's corners are floats: left and top are written as the float's exact double value, width and height as
/// <c>(double)x2 - (double)x1</c>, which is exact in double, so <c>(float)(left + width)</c> gives back x2 exactly.
/// Sidecar layout (little-endian): the 8 bytes <c>VTEMB1\0\0</c>, int32 embedding size D, then D float32 per det.txt
/// row, in file order.
/// </remarks>
public static class DetectionDump
{
    /// <summary>The sidecar's first 8 bytes.</summary>
    public static ReadOnlySpan<byte> SidecarMagic => "VTEMB1\0\0"u8;

    /// <summary>The embeddings sidecar beside a det.txt: <c>PATH.emb</c>.</summary>
    public static string SidecarPath(string detPath) => detPath + ".emb";

    /// <summary>Appends one frame's rows (<paramref name="frameIndex"/> is 0-based; the file says frameIndex + 1).</summary>
    public static void AppendRows(StringBuilder sb, long frameIndex, Detections detections)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(detections);
        var ic = CultureInfo.InvariantCulture;
        for (int i = 0; i < detections.Count; i++)
        {
            var b = detections.Boxes[i];
            sb.Append(frameIndex + 1).Append(",-1,")
              .Append(Exact(b.X1)).Append(',')
              .Append(Exact(b.Y1)).Append(',')
              .Append(((double)b.X2 - b.X1).ToString("R", ic)).Append(',')
              .Append(((double)b.Y2 - b.Y1).ToString("R", ic)).Append(',')
              .Append(Exact(detections.Scores[i])).Append(',')
              .Append(detections.ClassIds[i].ToString(ic)).Append(",-1,-1\n");
        }
    }

    /// <summary>The shortest text that parses (as double) to exactly <paramref name="value"/>.</summary>
    public static string Exact(float value) => ((double)value).ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Writes the sidecar header.</summary>
    public static void WriteSidecarHeader(Stream stream, int dimension)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        SidecarMagic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], dimension);
        stream.Write(header);
    }

    /// <summary>Appends every row's embedding of one frame to the sidecar.</summary>
    public static void WriteEmbeddings(Stream stream, Detections detections)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(detections);
        Span<byte> buf = stackalloc byte[4];
        for (int i = 0; i < detections.Count; i++)
        {
            foreach (float f in detections.Embedding(i))
            {
                BinaryPrimitives.WriteSingleLittleEndian(buf, f);
                stream.Write(buf);
            }
        }
    }

    /// <summary>Reads a sidecar written for <paramref name="rows"/> det.txt rows; returns (D, row-major floats).</summary>
    /// <exception cref="VisionTrackerException">The file is not a sidecar or does not match the det.txt.</exception>
    public static (int Dimension, float[] Values) ReadSidecar(string path, int rows)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 8).SequenceEqual(SidecarMagic))
        {
            throw new VisionTrackerException($"{path} is not a vtrack embeddings sidecar (it must start with VTEMB1): remove it or rewrite it with `vtrack track --export detections`.");
        }

        int dim = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        long expected = 12 + ((long)rows * Math.Max(dim, 0) * 4);
        if (dim <= 0 || bytes.Length != expected)
        {
            throw new VisionTrackerException($"{path} holds {bytes.Length} bytes but its det.txt has {rows} rows of D={dim} ({expected} bytes expected): the two files do not belong together; rewrite both with `vtrack track --export detections`.");
        }

        var values = new float[rows * dim];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(12 + (i * 4)));
        }

        return (dim, values);
    }
}

/// <summary>
/// <c>--export detections</c>: writes the rows the tracker received, frame by frame, as an exact det.txt
/// (<see cref="DetectionDump"/>), and their decoder/re-ID embeddings to the <c>.emb</c> sidecar when they have any.
/// </summary>
public sealed class DetectionDumpSink : IFrameSink
{
    private readonly StreamWriter _writer;
    private readonly StringBuilder _sb = new(256);
    private FileStream? _sidecar;
    private int _dimension = -1;
    private bool _completed;

    /// <summary>Creates (or truncates) <paramref name="path"/>; the sidecar is created with the first embeddings seen.</summary>
    public DetectionDumpSink(string path)
    {
        FilePath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _writer = new StreamWriter(FilePath, false, new UTF8Encoding(false)) { NewLine = "\n" };
        TryDelete(DetectionDump.SidecarPath(FilePath));
    }

    /// <summary>The det.txt written.</summary>
    public string FilePath { get; }

    /// <summary>The sidecar, or null when no frame carried embeddings.</summary>
    public string? SidecarFilePath => _sidecar is null ? null : DetectionDump.SidecarPath(FilePath);

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Detections d = result.Detections;
        if (d.Count == 0)
        {
            return;
        }

        _sb.Clear();
        DetectionDump.AppendRows(_sb, result.Frame.Index, d);
        _writer.Write(_sb);
        int dim = d.HasEmbeddings ? d.EmbeddingDim : 0;
        if (_dimension < 0)
        {
            _dimension = dim;
            if (dim > 0)
            {
                _sidecar = new FileStream(DetectionDump.SidecarPath(FilePath), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                DetectionDump.WriteSidecarHeader(_sidecar, dim);
            }
        }
        else if (dim != _dimension)
        {
            throw new InvalidOperationException($"Embedding size changed mid-run ({_dimension} then {dim}).");
        }

        if (_sidecar is not null)
        {
            DetectionDump.WriteEmbeddings(_sidecar, d);
        }
    }

    /// <inheritdoc/>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _writer.Flush();
        _sidecar?.Flush();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Complete();
        _writer.Dispose();
        _sidecar?.Dispose();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
