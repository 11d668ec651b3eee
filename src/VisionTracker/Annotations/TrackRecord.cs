using VisionTracker.Geometry;

namespace VisionTracker.Annotations;

/// <summary>
/// One box of one track in one frame. Frames and ids follow MOTChallenge: both start at 1.
/// Coordinates are kept in double precision so evaluation sees exactly what the file said.
/// </summary>
/// <param name="Frame">1-based frame number.</param>
/// <param name="Id">Track id (positive).</param>
/// <param name="Left">Box left in pixels.</param>
/// <param name="Top">Box top in pixels.</param>
/// <param name="Width">Box width in pixels.</param>
/// <param name="Height">Box height in pixels.</param>
/// <param name="Score">Confidence for results; the consider flag (0/1) for MOT17 ground truth; -1 when unknown.</param>
/// <param name="ClassId">Class id; -1 when the file carries none.</param>
/// <param name="Visibility">Visibility ratio 0..1; -1 when unknown.</param>
internal readonly record struct TrackRecord(
    int Frame,
    int Id,
    double Left,
    double Top,
    double Width,
    double Height,
    double Score = -1,
    int ClassId = -1,
    double Visibility = -1)
{
    /// <summary>Gets the box as xyxy floats.</summary>
    public BoxF Box => BoxF.FromXywh((float)Left, (float)Top, (float)Width, (float)Height);

    /// <summary>Gets the right edge.</summary>
    public double Right => Left + Width;

    /// <summary>Gets the bottom edge.</summary>
    public double Bottom => Top + Height;

    /// <summary>Gets whether a ground-truth row counts (MOT17 column 7 is not 0).</summary>
    public bool Considered => Score != 0;

    /// <summary>Creates a record from an xyxy box.</summary>
    public static TrackRecord FromBox(int frame, int id, BoxF box, double score = -1, int classId = -1, double visibility = -1) =>
        new(frame, id, box.X1, box.Y1, box.X2 - box.X1, box.Y2 - box.Y1, score, classId, visibility);
}
