using System.Globalization;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Reads a MOTChallenge sequence folder: <c>img1/*.jpg</c> in numeric order, with name, frame rate and size from
/// <c>seqinfo.ini</c> when present. When seqinfo.ini disagrees with the images on disk, it warns once and trusts
/// the disk. Frame indices are 0-based positions in img1/ (MOT frame number = index + 1); timestamps are index / fps.
/// </summary>
public sealed class MotSequenceSource : IFrameSource
{
    private readonly string[] _files;
    private readonly FrameSourceOptions _options;
    private long _next;

    /// <summary>Opens the sequence folder <paramref name="directory"/>.</summary>
    /// <exception cref="VisionTrackerException">The folder has no img1/ or no images, or the first image does not decode.</exception>
    public MotSequenceSource(string directory, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        OpenCvRuntime.EnsureQuiet();
        string dir = Path.GetFullPath(directory);
        var ini = ReadSeqInfo(Path.Combine(dir, "seqinfo.ini"));
        string imDir = Path.Combine(dir, ini.GetValueOrDefault("imDir", "img1"));
        if (!Directory.Exists(imDir))
        {
            throw new VisionTrackerException($"{directory} is not a MOT sequence: it has no {Path.GetFileName(imDir)}/ folder. Pass a sequence folder holding img1/ (and seqinfo.ini), a video file, a camera index or a URL.");
        }

        string ext = ini.GetValueOrDefault("imExt", ".jpg");
        _files = Directory.EnumerateFiles(imDir, "*" + ext)
            .Select(f => (Path: f, Number: long.TryParse(Path.GetFileNameWithoutExtension(f), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : long.MaxValue))
            .OrderBy(t => t.Number)
            .ThenBy(t => t.Path, StringComparer.Ordinal)
            .Select(t => t.Path)
            .ToArray();
        if (_files.Length == 0)
        {
            throw new VisionTrackerException($"{imDir} holds no {ext} images: copy the sequence's frames there (000001{ext}, 000002{ext}, ...).");
        }

        string name = ini.GetValueOrDefault("name", Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar)));
        double fps = ini.TryGetValue("frameRate", out string? fr) && double.TryParse(fr, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 ? f : 25;

        using (var first = Cv2.ImRead(_files[0], ImreadModes.Color))
        {
            if (first.Empty())
            {
                throw new VisionTrackerException($"{_files[0]} is not a readable image: replace it or remove it from {imDir}.");
            }

            Width = first.Width;
            Height = first.Height;
        }

        var problems = new List<string>();
        if (ini.TryGetValue("seqLength", out string? sl) && long.TryParse(sl, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seqLength) && seqLength != _files.Length)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"seqLength={seqLength} but {Path.GetFileName(imDir)}/ holds {_files.Length} images"));
        }

        if (ini.TryGetValue("imWidth", out string? iw) && ini.TryGetValue("imHeight", out string? ih) && (iw != Width.ToString(CultureInfo.InvariantCulture) || ih != Height.ToString(CultureInfo.InvariantCulture)))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"size {iw}x{ih} but the images are {Width}x{Height}"));
        }

        if (problems.Count > 0)
        {
            options.WriteWarning($"{name}: seqinfo.ini says {string.Join(" and ", problems)}; using what is on disk.");
        }

        Info = new FrameSourceInfo(name, FrameSourceKind.ImageSequence, Width, Height, fps, options.CountSelected(_files.Length));
    }

    /// <inheritdoc/>
    public FrameSourceInfo Info { get; }

    /// <summary>The image files in reading order (all of them, before range and stride).</summary>
    public IReadOnlyList<string> Files => _files;

    private int Width { get; }

    private int Height { get; }

    /// <summary>True when <paramref name="directory"/> looks like a MOT sequence (has img1/, or the imDir its seqinfo.ini names).</summary>
    public static bool IsSequence(string directory) =>
        Directory.Exists(Path.Combine(directory, "img1"))
        || (File.Exists(Path.Combine(directory, "seqinfo.ini")) && ReadSeqInfo(Path.Combine(directory, "seqinfo.ini")).TryGetValue("imDir", out string? d) && Directory.Exists(Path.Combine(directory, d)));

    /// <inheritdoc/>
    /// <exception cref="VisionTrackerException">An image does not decode.</exception>
    public Frame? Read(CancellationToken cancellationToken = default)
    {
        while (_next < _files.Length && !_options.IsPastEnd(_next))
        {
            cancellationToken.ThrowIfCancellationRequested();
            long i = _next++;
            if (!_options.Selects(i))
            {
                continue;
            }

            var mat = Cv2.ImRead(_files[i], ImreadModes.Color);
            if (mat.Empty())
            {
                mat.Dispose();
                throw new VisionTrackerException($"{_files[i]} is not a readable image (frame {i + 1} of the sequence): replace the file or remove it.");
            }

            return new Frame(i, i / Info.Fps, mat);
        }

        return null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private static Dictionary<string, string> ReadSeqInfo(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] is '[' or ';' or '#' || eq <= 0)
            {
                continue;
            }

            values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        return values;
    }
}
