using System.Globalization;

namespace VisionTracker.Cli.Rendering;

/// <summary>Chooses and creates the folder a run writes into, never overwriting an earlier run without --force.</summary>
internal static class OutputFolder
{
    /// <summary>
    /// Returns the folder to write into: <paramref name="requested"/> when given, else <c>runs/SOURCE-yyyyMMdd-HHmmss</c>.
    /// </summary>
    /// <exception cref="VisionTrackerException">The folder already holds files and <paramref name="force"/> is false.</exception>
    public static string Prepare(string source, string? requested, bool force, DateTime now)
    {
        string dir = requested ?? Path.Combine("runs", $"{SafeName(source)}-{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any() && !force)
        {
            throw new VisionTrackerException($"Output folder {dir} already holds a run. Choose another --out, or add --force to overwrite it.");
        }

        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>A file-name-safe short name for a source spec (file stem, camera index, host of a URL, sequence folder).</summary>
    public static string SafeName(string source)
    {
        string s = source.TrimEnd('/', '\\');
        if (Uri.TryCreate(s, UriKind.Absolute, out var uri) && !uri.IsFile)
        {
            s = uri.Host + uri.AbsolutePath;
        }
        else
        {
            s = Path.GetFileNameWithoutExtension(s);
        }

        var chars = s.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray();
        string name = new string(chars).Trim('_');
        return name.Length == 0 ? "source" : name;
    }
}
