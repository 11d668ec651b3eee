using System.Globalization;

namespace VisionTracker.Annotations;

/// <summary>The [Sequence] section of a MOTChallenge seqinfo.ini.</summary>
internal sealed record SeqInfo(string Name, int Width, int Height, double FrameRate, int Length)
{
    /// <summary>Parses a seqinfo.ini file.</summary>
    public static SeqInfo Parse(string path)
    {
        var kv = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '[' || line[0] == ';' || line[0] == '#')
            {
                continue;
            }

            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new VisionTrackerException($"{path}:{lineNo}: expected key=value; fix the line.");
            }

            kv[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        int Int(string key) => kv.TryGetValue(key, out var s) && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : 0;
        double fps = kv.TryGetValue("frameRate", out var f) && double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : 0;
        return new SeqInfo(kv.TryGetValue("name", out var n) ? n : string.Empty, Int("imWidth"), Int("imHeight"), fps, Int("seqLength"));
    }

    /// <summary>Finds seqinfo.ini beside a MOT file or one folder up (SEQ/gt/gt.txt layout); null when none.</summary>
    public static SeqInfo? Find(string motFile)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(motFile));
        for (int i = 0; i < 2 && dir is not null; i++, dir = Path.GetDirectoryName(dir))
        {
            string p = Path.Combine(dir, "seqinfo.ini");
            if (File.Exists(p))
            {
                return Parse(p);
            }
        }

        return null;
    }
}
