using System.Globalization;
using System.Text;

namespace VisionTracker.Annotations;

/// <summary>
/// MOTChallenge txt: <c>frame,id,bb_left,bb_top,bb_width,bb_height,conf,x,y,z</c> with 1-based frames and ids.
/// The reader accepts the 7-column (MOT15), 9-column (MOT17 gt: consider, class, visibility) and 10-column
/// (results: conf, -1, -1, -1) layouts. The writer produces the 10-column result layout.
/// </summary>
internal static class MotChallengeFormat
{
    private static readonly char[] Separators = [',', ' ', '\t'];

    /// <summary>Reads a MOT txt file; metadata comes from a seqinfo.ini beside it or one folder up when present.</summary>
    public static TrackSequence Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"{path}: MOT file not found; pass an existing .txt file.");
        }

        var rows = new List<TrackRecord>();
        int columns = 0;
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            string line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            string[] parts = line.Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 7 && parts.Length != 9 && parts.Length != 10)
            {
                throw new VisionTrackerException($"{path}:{lineNo}: {parts.Length} columns; MOT files need 7, 9 or 10 (frame,id,left,top,width,height,conf[,class,visibility[,z]]).");
            }

            if (columns == 0)
            {
                columns = parts.Length;
            }
            else if (columns != parts.Length)
            {
                throw new VisionTrackerException($"{path}:{lineNo}: {parts.Length} columns but earlier lines have {columns}; use one layout per file.");
            }

            var v = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                {
                    throw new VisionTrackerException($"{path}:{lineNo}: column {i + 1} '{MessageText.OneLine(parts[i])}' is not a number; fix or remove the line.");
                }
            }

            if (v[0] != Math.Floor(v[0]) || v[0] < 1 || v[1] != Math.Floor(v[1]))
            {
                throw new VisionTrackerException($"{path}:{lineNo}: frame and id must be integers and frames start at 1; fix the line.");
            }

            // A frame or id past the 32-bit range would be clamped on conversion, merging distinct tracks or frames.
            if (v[0] > int.MaxValue || v[1] > int.MaxValue || v[1] < int.MinValue)
            {
                throw new VisionTrackerException($"{path}:{lineNo}: frame or id is beyond {int.MaxValue}; fix the line.");
            }

            rows.Add(new TrackRecord(
                (int)v[0],
                (int)v[1],
                v[2],
                v[3],
                v[4],
                v[5],
                v[6],
                parts.Length >= 8 ? (int)v[7] : -1,
                parts.Length >= 9 ? v[8] : -1));
        }

        string name = Path.GetFileNameWithoutExtension(path);
        var seq = new TrackSequence(name, rows) { SourceColumns = columns };
        var info = SeqInfo.Find(path);
        if (info is not null)
        {
            seq.Width = info.Width;
            seq.Height = info.Height;
            seq.Fps = info.FrameRate;
            seq.FrameCount = info.Length;
            if (string.Equals(Path.GetFileName(path), "gt.txt", StringComparison.OrdinalIgnoreCase) && info.Name.Length > 0)
            {
                seq.Name = info.Name;
            }
        }

        return seq;
    }

    /// <summary>Writes the 10-column result layout. With <paramref name="writeClass"/> the class id goes in column 8 (TrackEval reads it as the tracker class).</summary>
    public static void Write(string path, TrackSequence sequence, bool writeClass = false)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        w.NewLine = "\n";
        var sb = new StringBuilder(96);
        foreach (var r in sequence.Rows)
        {
            sb.Clear();
            sb.Append(CultureInfo.InvariantCulture, $"{r.Frame},{r.Id},{Num(r.Left)},{Num(r.Top)},{Num(r.Width)},{Num(r.Height)},{Num(r.Score < 0 ? 1 : r.Score)},");
            sb.Append(writeClass ? r.ClassId.ToString(CultureInfo.InvariantCulture) : "-1");
            sb.Append(",-1,-1");
            w.WriteLine(sb.ToString());
        }
    }

    /// <summary>Formats a coordinate: round-trippable, invariant, without trailing zeros.</summary>
    internal static string Num(double v) => Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);
}
