using System.Globalization;

namespace VisionTracker.Annotations;

/// <summary>
/// The tracks of one sequence (video): rows sorted by frame then id, plus the metadata that CVAT and
/// COCO-video need (size, fps, frame count, class names).
/// </summary>
internal sealed class TrackSequence
{
    public TrackSequence(string name, IEnumerable<TrackRecord> rows)
    {
        Name = name;
        Rows = rows.OrderBy(r => r.Frame).ThenBy(r => r.Id).ToArray();
    }

    /// <summary>Gets or sets the sequence name.</summary>
    public string Name { get; set; }

    /// <summary>Gets the rows, sorted by frame then id.</summary>
    public IReadOnlyList<TrackRecord> Rows { get; }

    /// <summary>Gets or sets the frame width in pixels (0 when unknown).</summary>
    public int Width { get; set; }

    /// <summary>Gets or sets the frame height in pixels (0 when unknown).</summary>
    public int Height { get; set; }

    /// <summary>Gets or sets frames per second (0 when unknown).</summary>
    public double Fps { get; set; }

    /// <summary>Gets or sets the number of frames (0: use the last frame that has a row).</summary>
    public int FrameCount { get; set; }

    /// <summary>Gets or sets the number of columns the source file had (MOT only; 0 otherwise).</summary>
    public int SourceColumns { get; set; }

    /// <summary>Gets class names by class id; ids missing here are named "class{id}" (or "object" for -1).</summary>
    public Dictionary<int, string> ClassNames { get; init; } = [];

    /// <summary>Gets the last frame: FrameCount when set, else the largest frame that has a row.</summary>
    public int LastFrame => FrameCount > 0 ? FrameCount : (Rows.Count == 0 ? 0 : Rows[^1].Frame);

    /// <summary>Returns the name of a class id.</summary>
    public string ClassName(int classId) =>
        ClassNames.TryGetValue(classId, out var n) ? n : classId < 0 ? "object" : "class" + classId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Groups rows into tracks: id to rows sorted by frame.</summary>
    public SortedDictionary<int, List<TrackRecord>> Tracks()
    {
        var d = new SortedDictionary<int, List<TrackRecord>>();
        foreach (var r in Rows)
        {
            if (!d.TryGetValue(r.Id, out var list))
            {
                d[r.Id] = list = [];
            }

            list.Add(r);
        }

        return d;
    }

    /// <summary>Copies the metadata of this sequence onto rows.</summary>
    public TrackSequence WithRows(IEnumerable<TrackRecord> rows) => new(Name, rows)
    {
        Width = Width,
        Height = Height,
        Fps = Fps,
        FrameCount = FrameCount,
        SourceColumns = SourceColumns,
        ClassNames = new Dictionary<int, string>(ClassNames),
    };
}
