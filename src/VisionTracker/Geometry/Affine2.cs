namespace VisionTracker.Geometry;

/// <summary>
/// A 2x3 affine transform of image points, <c>(x, y) → (A11·x + A12·y + Tx, A21·x + A22·y + Ty)</c>: the camera motion
/// between two frames (previous-frame pixel → current-frame pixel), as a global motion estimator reports it. A plain
/// value with no OpenCV type, so the tracker can take it.
/// </summary>
/// <param name="A11">Row 1, column 1 of the linear part.</param>
/// <param name="A12">Row 1, column 2 of the linear part.</param>
/// <param name="Tx">Horizontal translation in pixels.</param>
/// <param name="A21">Row 2, column 1 of the linear part.</param>
/// <param name="A22">Row 2, column 2 of the linear part.</param>
/// <param name="Ty">Vertical translation in pixels.</param>
public readonly record struct Affine2(double A11, double A12, double Tx, double A21, double A22, double Ty)
{
    /// <summary>The identity (no camera motion).</summary>
    public static Affine2 Identity { get; } = new(1, 0, 0, 0, 1, 0);

    /// <summary>Whether this is exactly the identity.</summary>
    public bool IsIdentity => this == Identity;

    /// <summary>The isotropic scale of the linear part, sqrt(|det|) (1 for a rotation plus translation).</summary>
    public double Scale => Math.Sqrt(Math.Abs((A11 * A22) - (A12 * A21)));

    /// <summary>Maps a point.</summary>
    public PointF Apply(PointF p) => new((float)((A11 * p.X) + (A12 * p.Y) + Tx), (float)((A21 * p.X) + (A22 * p.Y) + Ty));

    /// <summary>
    /// Maps a box: its centre through the transform, its width and height times <see cref="Scale"/> (a rotated box is
    /// not a box; camera motion between frames is translation, small rotation and zoom).
    /// </summary>
    public BoxF Apply(in BoxF box)
    {
        PointF c = Apply(new PointF(box.CenterX, box.CenterY));
        float s = (float)Scale;
        return BoxF.FromCxcywh(c.X, c.Y, box.Width * s, box.Height * s);
    }

    /// <summary>This transform followed by <paramref name="next"/> (first this, then next).</summary>
    public Affine2 Then(in Affine2 next) => new(
        (next.A11 * A11) + (next.A12 * A21), (next.A11 * A12) + (next.A12 * A22), (next.A11 * Tx) + (next.A12 * Ty) + next.Tx,
        (next.A21 * A11) + (next.A22 * A21), (next.A21 * A12) + (next.A22 * A22), (next.A21 * Tx) + (next.A22 * Ty) + next.Ty);
}
