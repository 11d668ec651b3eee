namespace VisionTracker.Geometry;

/// <summary>
/// A simple (possibly concave) polygon with at least three vertices, in pixel or normalised coordinates.
/// Used for shelf and area zones.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Contains(PointF)"/> uses the crossing-number (even-odd) rule. <b>Boundary rule:</b> a point on an edge
/// or on a vertex counts as inside, within a tolerance of <see cref="EdgeTolerance"/> times the edge length (plus a
/// tiny absolute term), so a product whose anchor lies exactly on a zone's border is counted and the answer does not
/// depend on the winding order of the vertices.
/// </para>
/// <para>
/// A degenerate polygon (all vertices collinear, zero area) contains exactly the points on its edges.
/// Self-intersecting polygons are accepted; their interior follows the even-odd rule.
/// </para>
/// </remarks>
public sealed class Polygon
{
    /// <summary>Relative tolerance for the on-edge test: the allowed distance from an edge is this times the edge length, plus the same absolute amount.</summary>
    public const double EdgeTolerance = 1e-6;

    private readonly PointF[] _vertices;

    /// <summary>Creates a polygon from its vertices, in order (either winding).</summary>
    /// <param name="vertices">Three or more vertices; the last one joins back to the first.</param>
    /// <exception cref="ArgumentException">Fewer than three vertices, or a coordinate that is not finite.</exception>
    public Polygon(IEnumerable<PointF> vertices)
    {
        ArgumentNullException.ThrowIfNull(vertices);
        _vertices = vertices.ToArray();
        if (_vertices.Length < 3)
        {
            throw new ArgumentException($"A polygon needs at least 3 vertices; got {_vertices.Length}.", nameof(vertices));
        }

        foreach (var p in _vertices)
        {
            if (!float.IsFinite(p.X) || !float.IsFinite(p.Y))
            {
                throw new ArgumentException($"Polygon vertex ({p.X}, {p.Y}) is not finite.", nameof(vertices));
            }
        }

        double area2 = 0;
        float x1 = float.MaxValue, y1 = float.MaxValue, x2 = float.MinValue, y2 = float.MinValue;
        for (int i = 0, j = _vertices.Length - 1; i < _vertices.Length; j = i++)
        {
            area2 += ((double)_vertices[j].X * _vertices[i].Y) - ((double)_vertices[i].X * _vertices[j].Y);
            x1 = MathF.Min(x1, _vertices[i].X);
            y1 = MathF.Min(y1, _vertices[i].Y);
            x2 = MathF.Max(x2, _vertices[i].X);
            y2 = MathF.Max(y2, _vertices[i].Y);
        }

        SignedArea = 0.5 * area2;
        Bounds = new BoxF(x1, y1, x2, y2);
    }

    /// <summary>The vertices, in the order given.</summary>
    public IReadOnlyList<PointF> Vertices => _vertices;

    /// <summary>The vertices as a span (no copy), for drawing code that converts them to its own point type.</summary>
    public ReadOnlySpan<PointF> VertexSpan => _vertices;

    /// <summary>Number of vertices.</summary>
    public int Count => _vertices.Length;

    /// <summary>Shoelace area: positive when the vertices run counter-clockwise in a y-up frame (clockwise on screen, where y points down).</summary>
    public double SignedArea { get; }

    /// <summary>Enclosed area (absolute shoelace area; for a self-intersecting polygon, the net signed sum).</summary>
    public double Area => Math.Abs(SignedArea);

    /// <summary>Whether the polygon encloses no area (collinear or repeated vertices).</summary>
    public bool IsDegenerate => Area <= EdgeTolerance * Math.Max(1.0, (double)Bounds.Width * Bounds.Height);

    /// <summary>The axis-aligned bounding box.</summary>
    public BoxF Bounds { get; }

    /// <summary>Builds the rectangle polygon of a box (clockwise on screen: top-left, top-right, bottom-right, bottom-left).</summary>
    public static Polygon FromBox(BoxF box) =>
        new([new PointF(box.X1, box.Y1), new PointF(box.X2, box.Y1), new PointF(box.X2, box.Y2), new PointF(box.X1, box.Y2)]);

    /// <summary>Whether <paramref name="point"/> lies inside or on the boundary (see the remarks for the boundary rule).</summary>
    public bool Contains(PointF point) => Contains(point.X, point.Y);

    /// <summary>Whether (<paramref name="x"/>, <paramref name="y"/>) lies inside or on the boundary.</summary>
    public bool Contains(float x, float y)
    {
        // Quick reject outside the bounding box (with the same tolerance as the edge test).
        double slack = EdgeTolerance * (1.0 + Math.Max(Bounds.Width, Bounds.Height));
        if (x < Bounds.X1 - slack || x > Bounds.X2 + slack || y < Bounds.Y1 - slack || y > Bounds.Y2 + slack)
        {
            return false;
        }

        bool inside = false;
        ReadOnlySpan<PointF> v = _vertices;
        for (int i = 0, j = v.Length - 1; i < v.Length; j = i++)
        {
            double xi = v[i].X, yi = v[i].Y, xj = v[j].X, yj = v[j].Y;
            if (OnSegment(x, y, xj, yj, xi, yi))
            {
                return true;
            }

            // Crossing number with the half-open rule: an edge counts when it straddles the horizontal line through
            // the point (one end strictly above, the other on or below), so a vertex on the line is counted once.
            if ((yi > y) != (yj > y))
            {
                double xCross = xi + ((y - yi) * (xj - xi) / (yj - yi));
                if (x < xCross)
                {
                    inside = !inside;
                }
            }
        }

        return inside;
    }

    /// <summary>Returns the polygon with every vertex multiplied by (<paramref name="sx"/>, <paramref name="sy"/>).</summary>
    public Polygon Scale(float sx, float sy) => new(_vertices.Select(p => new PointF(p.X * sx, p.Y * sy)));

    /// <summary>Maps a polygon in normalised 0-1 coordinates to pixels of a <paramref name="width"/> x <paramref name="height"/> frame.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A frame dimension is not positive.</exception>
    public Polygon ToPixels(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return Scale(width, height);
    }

    /// <summary>Maps a pixel polygon of a <paramref name="width"/> x <paramref name="height"/> frame to normalised 0-1 coordinates.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A frame dimension is not positive.</exception>
    public Polygon ToNormalized(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        return Scale(1f / width, 1f / height);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        "[" + string.Join(",", _vertices.Select(p => FormattableString.Invariant($"[{p.X:0.###},{p.Y:0.###}]"))) + "]";

    private static bool OnSegment(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        double len = Math.Sqrt((dx * dx) + (dy * dy));
        double tol = EdgeTolerance * (1.0 + len);
        if (len == 0)
        {
            // A repeated vertex: the "edge" is a point.
            return Math.Abs(px - ax) <= tol && Math.Abs(py - ay) <= tol;
        }

        // Perpendicular distance to the line, then the projection must fall within the segment.
        double cross = (dx * (py - ay)) - (dy * (px - ax));
        if (Math.Abs(cross) / len > tol)
        {
            return false;
        }

        double along = ((dx * (px - ax)) + (dy * (py - ay))) / len;
        return along >= -tol && along <= len + tol;
    }
}
