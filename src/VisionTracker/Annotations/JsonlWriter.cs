using System.Text;
using System.Text.Json;

namespace VisionTracker.Annotations;

/// <summary>
/// Writes one JSON object per line (JSON Lines) and flushes after every line, so a reader (or a crash) never
/// sees a half-written record. Any value System.Text.Json can serialise is accepted.
/// </summary>
public sealed class JsonlWriter : IDisposable
{
    private static readonly JsonSerializerOptions DefaultOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly FileStream _stream;
    private readonly JsonSerializerOptions _options;
    private readonly object _gate = new();
    private bool _disposed;

    /// <summary>Opens (creates or truncates, or appends to) a JSONL file.</summary>
    /// <param name="path">Target file.</param>
    /// <param name="append">Append instead of truncating.</param>
    /// <param name="options">Serializer options; default is snake_case property names.</param>
    public JsonlWriter(string path, bool append = false, JsonSerializerOptions? options = null)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        _stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read);
        _options = options ?? DefaultOptions;
        FilePath = path;
    }

    /// <summary>Gets the file path.</summary>
    public string FilePath { get; }

    /// <summary>Gets the number of lines written.</summary>
    public long Count { get; private set; }

    /// <summary>Serialises <paramref name="value"/> as one line and flushes it to the file.</summary>
    /// <typeparam name="T">Value type.</typeparam>
    /// <param name="value">The record.</param>
    public void Write<T>(T value)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(value, _options);
        if (Array.IndexOf(json, (byte)'\n') >= 0)
        {
            throw new InvalidOperationException("serialised record spans several lines; use non-indented options");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _stream.Write(json);
            _stream.WriteByte((byte)'\n');
            _stream.Flush();
            Count++;
        }
    }

    /// <summary>Reads every line of a JSONL file as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">Record type.</typeparam>
    /// <param name="path">File.</param>
    /// <param name="options">Serializer options; default is snake_case.</param>
    public static IEnumerable<T> ReadAll<T>(string path, JsonSerializerOptions? options = null)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(fs, Encoding.UTF8);
        int lineNo = 0;
        while (r.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0)
            {
                continue;
            }

            T? v;
            try
            {
                v = JsonSerializer.Deserialize<T>(line, options ?? DefaultOptions);
            }
            catch (JsonException ex)
            {
                throw new VisionTrackerException($"{path}:{lineNo}: not a JSON record ({ex.Message}); fix or remove the line.", ex);
            }

            yield return v ?? throw new VisionTrackerException($"{path}:{lineNo}: null record; remove the line.");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _stream.Flush();
            _stream.Dispose();
        }
    }
}
