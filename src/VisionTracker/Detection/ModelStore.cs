using System.Buffers;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text.Json;
using VisionTracker.Data;

namespace VisionTracker.Detection;

/// <summary>
/// Finds model files, verifies them against <c>models/models.json</c> and pulls missing ones. A name or path resolves
/// in this order: an explicit existing path, then <c>$VISIONTRACKER_DATA/models/</c>, then <c>&lt;repo&gt;/models/</c>.
/// A file's sha256 is computed once and cached by (path, size, mtime) in <c>~/.cache/visiontracker/verified.json</c>.
/// </summary>
public sealed class ModelStore
{
    private static readonly JsonSerializerOptions CacheJson = new() { WriteIndented = true };
    private readonly Lock _cacheGate = new();
    private readonly IReadOnlyList<string> _folders;
    private readonly string _cachePath;
    private Dictionary<string, CacheEntry>? _cache;

    /// <summary>Creates a store over <paramref name="manifest"/>.</summary>
    /// <param name="manifest">The known models.</param>
    /// <param name="searchFolders">Folders searched for manifest files, most preferred first; null uses <c>$VISIONTRACKER_DATA/models</c> then <c>&lt;repo&gt;/models</c>.</param>
    /// <param name="cachePath">The sha256 cache file; null uses <see cref="DefaultCachePath"/>.</param>
    public ModelStore(ModelManifest manifest, IReadOnlyList<string>? searchFolders = null, string? cachePath = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Manifest = manifest;
        _folders = searchFolders ?? DataPaths.SearchFolders("models").ToList();
        _cachePath = cachePath ?? DefaultCachePath;
    }

    /// <summary>The manifest the store verifies against.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Folders searched for models named in the manifest, most preferred first.</summary>
    public IReadOnlyList<string> SearchFolders => _folders;

    /// <summary><c>$XDG_CACHE_HOME/visiontracker/verified.json</c>, else <c>~/.cache/visiontracker/verified.json</c>.</summary>
    public static string DefaultCachePath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string root = !string.IsNullOrWhiteSpace(xdg) ? xdg
                : !string.IsNullOrWhiteSpace(home) ? Path.Combine(home, ".cache")
                : Path.GetTempPath();
            return Path.Combine(root, "visiontracker", "verified.json");
        }
    }

    /// <summary>
    /// Resolves a model name (deimv2-femto), a manifest file name, or a path; null means the manifest's default.
    /// Files the manifest knows are sha256-verified; every file is checked to be ONNX.
    /// </summary>
    /// <exception cref="VisionTrackerException">The model is missing, unknown, fails its sha256 check or is not ONNX.</exception>
    public ResolvedModel Resolve(string? nameOrPath)
    {
        nameOrPath ??= Manifest.DefaultName ?? throw new VisionTrackerException("No model given and the manifest names no default: pass --model NAME or a .onnx path.");
        if (File.Exists(nameOrPath))
        {
            string full = Path.GetFullPath(nameOrPath);
            ModelEntry? known = Manifest.Models.FirstOrDefault(e => string.Equals(e.File, Path.GetFileName(full), StringComparison.Ordinal));
            return Check(full, known);
        }

        if (Manifest.Find(nameOrPath) is { } entry)
        {
            string? found = Locate(entry);
            return found is not null
                ? Check(found, entry)
                : throw new VisionTrackerException($"Model {entry.Name} ({entry.File}) not found in {string.Join(", ", _folders.DefaultIfEmpty("(no model folders: set VISIONTRACKER_DATA)"))}. Get it with `vtrack models pull {entry.Name}`, or set {DataPaths.EnvironmentVariable} to a folder holding models/{entry.File}.");
        }

        if (Directory.Exists(nameOrPath))
        {
            throw new VisionTrackerException($"{nameOrPath} is a folder, not a model: pass a .onnx file or a model name ({string.Join(", ", Manifest.Models.Select(m => m.Name))}).");
        }

        if (nameOrPath.Contains('/', StringComparison.Ordinal) || nameOrPath.Contains('\\', StringComparison.Ordinal) || nameOrPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            throw new VisionTrackerException($"Model file not found: {nameOrPath}. Check the path, or pass a model name ({string.Join(", ", Manifest.Models.Select(m => m.Name))}).");
        }

        throw new VisionTrackerException($"Unknown model '{nameOrPath}'. Known models: {string.Join(", ", Manifest.Models.Select(m => m.Name))}. Pass one of these names or a path to a .onnx file.");
    }

    /// <summary>The first search folder holding <paramref name="entry"/>'s file, or null.</summary>
    public string? Locate(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _folders.Select(d => Path.GetFullPath(Path.Combine(d, entry.File))).FirstOrDefault(File.Exists);
    }

    /// <summary>The sha256 of <paramref name="path"/> (lower-case hex), from the cache when size and mtime are unchanged.</summary>
    public string Sha256Of(string path)
    {
        var fi = new FileInfo(path);
        string key = fi.FullName;
        lock (_cacheGate)
        {
            var cache = LoadCache();
            if (cache.TryGetValue(key, out var c) && c.Size == fi.Length && c.MtimeTicks == fi.LastWriteTimeUtc.Ticks)
            {
                return c.Sha256;
            }
        }

        string sha;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        Remember(fi, sha);
        return sha;
    }

    /// <summary>Checks <paramref name="path"/> against <paramref name="entry"/>'s sha256.</summary>
    /// <exception cref="VisionTrackerException">The hashes differ; the message names both and the fix.</exception>
    public void Verify(string path, ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string actual = Sha256Of(path);
        if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new VisionTrackerException($"Model file {path} has sha256 {actual} but models.json expects {entry.Sha256} for {entry.Name}: the file is corrupt, incomplete or a different version. Get the right one with `vtrack models pull {entry.Name}`.");
        }
    }

    /// <summary>True when <paramref name="path"/> matches <paramref name="entry"/>'s sha256 (uses the cache).</summary>
    public bool IsVerified(string path, ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return string.Equals(Sha256Of(path), entry.Sha256, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Downloads <paramref name="entry"/> into <paramref name="targetDir"/>: into a temporary file first, renamed only
    /// after its sha256 matches. A failed or mismatched download leaves nothing behind.
    /// </summary>
    /// <returns>The path of the verified file.</returns>
    /// <exception cref="VisionTrackerException">The download failed or its sha256 does not match.</exception>
    public async Task<string> PullAsync(ModelEntry entry, string targetDir, HttpClient? client = null, Action<long, long?>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(targetDir);
        if (string.IsNullOrWhiteSpace(entry.Url))
        {
            throw new VisionTrackerException($"Model {entry.Name} has no download URL in models.json: put {entry.File} into {targetDir} by hand.");
        }

        Directory.CreateDirectory(targetDir);
        string final = Path.GetFullPath(Path.Combine(targetDir, entry.File));
        string temp = Path.Combine(Path.GetDirectoryName(final)!, $".{entry.File}.{Guid.NewGuid():N}.part");
        using var owned = client is null ? new HttpClient { Timeout = TimeSpan.FromMinutes(10) } : null;
        var http = client ?? owned!;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            string actual;
            using (var response = await http.GetAsync(new Uri(entry.Url), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                response.EnsureSuccessStatusCode();
                long? total = response.Content.Headers.ContentLength;
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                    await using (target.ConfigureAwait(false))
                    {
                        long done = 0;
                        int n;
                        while ((n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                        {
                            hash.AppendData(buffer, 0, n);
                            await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                            done += n;
                            progress?.Invoke(done, total);
                        }
                    }
                }

                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            if (!string.Equals(actual, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new VisionTrackerException($"Downloaded {entry.File} from {entry.Url} has sha256 {actual} but models.json expects {entry.Sha256}: the upstream file changed or the download was corrupted; nothing was saved. Try `vtrack models pull {entry.Name}` again, or check the manifest.");
            }

            File.Move(temp, final, overwrite: true);
            Remember(new FileInfo(final), actual);
            return final;
        }
        catch (HttpRequestException ex)
        {
            throw new VisionTrackerException($"Downloading {entry.Name} from {entry.Url} failed ({ex.Message}); nothing was saved. Check the network or proxy, or download {entry.File} by hand into {targetDir}.", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VisionTrackerException($"Downloading {entry.Name} from {entry.Url} timed out; nothing was saved. Check the network, or download {entry.File} by hand into {targetDir}.", ex);
        }
        catch (IOException ex)
        {
            throw new VisionTrackerException($"Writing {entry.File} into {targetDir} failed ({ex.Message}); nothing was saved. Check free space and permissions.", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Throws when <paramref name="path"/> is obviously not an ONNX model: its top level must parse as an ONNX
    /// ModelProto protobuf (known field numbers with matching wire types, lengths inside the file) holding a graph.
    /// </summary>
    /// <exception cref="VisionTrackerException">The file is not ONNX.</exception>
    public static void EnsureOnnx(string path)
    {
        string? problem;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            problem = OnnxStructureProblem(stream);
        }
        catch (IOException ex)
        {
            throw new VisionTrackerException($"Cannot read model file {path} ({ex.Message}): check the path and permissions.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new VisionTrackerException($"Cannot read model file {path} ({ex.Message}): check the path and permissions.", ex);
        }

        if (problem is not null)
        {
            throw new VisionTrackerException($"{path} is not an ONNX model ({problem}): pass a .onnx file, or a model name from `vtrack models list`.");
        }
    }

    /// <summary>Null when the stream's top level is a plausible ONNX ModelProto; otherwise what is wrong.</summary>
    internal static string? OnnxStructureProblem(Stream stream)
    {
        long length = stream.Length;
        if (length == 0)
        {
            return "the file is empty";
        }

        bool graph = false;
        while (stream.Position < length)
        {
            if (!TryReadVarint(stream, out ulong tag))
            {
                return "a protobuf field tag runs past the end of the file";
            }

            int field = (int)Math.Min(tag >> 3, int.MaxValue);
            int wire = (int)(tag & 7);

            // ModelProto: 1 ir_version, 5 model_version (varint); 2-4, 6-8, 14, 20, 25, 26 (length-delimited).
            int expected = field switch
            {
                1 or 5 => 0,
                2 or 3 or 4 or 6 or 7 or 8 or 14 or 20 or 25 or 26 => 2,
                _ => -1,
            };
            if (expected < 0 || expected != wire)
            {
                return string.Create(CultureInfo.InvariantCulture, $"byte {stream.Position} holds field {field} with wire type {wire}, which an ONNX ModelProto does not have");
            }

            if (!TryReadVarint(stream, out ulong value))
            {
                return "a protobuf value runs past the end of the file";
            }

            if (wire == 2)
            {
                if (value > (ulong)(length - stream.Position))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"field {field} claims {value} bytes but only {length - stream.Position} remain (truncated?)");
                }

                stream.Seek((long)value, SeekOrigin.Current);
                graph |= field == 7;
            }
        }

        return graph ? null : "it has no graph";
    }

    private static bool TryReadVarint(Stream stream, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            int b = stream.ReadByte();
            if (b < 0)
            {
                return false;
            }

            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
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
        catch (UnauthorizedAccessException)
        {
        }
    }

    private ResolvedModel Check(string path, ModelEntry? entry)
    {
        if (entry is null)
        {
            EnsureOnnx(path);
            return new ResolvedModel(path, null, false);
        }

        Verify(path, entry);
        return new ResolvedModel(path, entry, true);
    }

    private void Remember(FileInfo fi, string sha)
    {
        lock (_cacheGate)
        {
            var cache = LoadCache();
            cache[fi.FullName] = new CacheEntry { Size = fi.Length, MtimeTicks = fi.LastWriteTimeUtc.Ticks, Sha256 = sha };
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_cachePath)!);
                string tmp = _cachePath + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + ".tmp";
                File.WriteAllText(tmp, JsonSerializer.Serialize(cache, CacheJson));
                File.Move(tmp, _cachePath, overwrite: true);
            }
            catch (IOException)
            {
                // The cache only saves time; a read-only home must not stop a run.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private Dictionary<string, CacheEntry> LoadCache()
    {
        if (_cache is not null)
        {
            return _cache;
        }

        try
        {
            _cache = File.Exists(_cachePath) ? JsonSerializer.Deserialize<Dictionary<string, CacheEntry>>(File.ReadAllText(_cachePath)) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            _cache = null;
        }

        _cache ??= new Dictionary<string, CacheEntry>(StringComparer.Ordinal);
        return _cache;
    }

    private sealed class CacheEntry
    {
        public long Size { get; set; }

        public long MtimeTicks { get; set; }

        public string Sha256 { get; set; } = string.Empty;
    }
}
