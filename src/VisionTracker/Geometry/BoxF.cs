using System.Runtime.CompilerServices;

namespace VisionTracker.Geometry;

/// <summary>An axis-aligned box in pixel coordinates, stored as corners (x1, y1, x2, y2).</summary>
/// <param name="X1">Left edge.</param>
/// <param name="Y1">Top edge.</param>
/// <param name="X2">Right edge.</param>
/// <param name="Y2">Bottom edge.</param>
public readonly record struct BoxF(float X1, float Y1, float X2, float Y2)
{
    /// <summary>Box width; zero for a degenerate box.</summary>
    public float Width => MathF.Max(0f, X2 - X1);

    /// <summary>Box height; zero for a degenerate box.</summary>
    public float Height => MathF.Max(0f, Y2 - Y1);

    /// <summary>Box area.</summary>
    public float Area => Width * Height;

    /// <summary>Horizontal centre.</summary>
    public float CenterX => 0.5f * (X1 + X2);

    /// <summary>Vertical centre.</summary>
    public float CenterY => 0.5f * (Y1 + Y2);

    /// <summary>Builds a box from its top-left corner and size (MOTChallenge and COCO layout).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BoxF FromXywh(float x, float y, float w, float h) => new(x, y, x + w, y + h);

    /// <summary>Builds a box from its centre and size.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static BoxF FromCxcywh(float cx, float cy, float w, float h) =>
        new(cx - (0.5f * w), cy - (0.5f * h), cx + (0.5f * w), cy + (0.5f * h));

    /// <summary>Intersection over union with <paramref name="other"/>; 0 when either box is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float IoU(in BoxF other)
    {
        float iw = MathF.Min(X2, other.X2) - MathF.Max(X1, other.X1);
        float ih = MathF.Min(Y2, other.Y2) - MathF.Max(Y1, other.Y1);
        if (iw <= 0f || ih <= 0f)
        {
            return 0f;
        }

        float inter = iw * ih;
        float union = Area + other.Area - inter;
        return union > 0f ? inter / union : 0f;
    }

    /// <summary>Generalised IoU in [-1, 1]: IoU minus the share of the enclosing box not covered by the union.</summary>
    public float GIoU(in BoxF other)
    {
        float iou = IoU(other);
        float iw = MathF.Max(0f, MathF.Min(X2, other.X2) - MathF.Max(X1, other.X1));
        float ih = MathF.Max(0f, MathF.Min(Y2, other.Y2) - MathF.Max(Y1, other.Y1));
        float inter = iw * ih;
        float union = Area + other.Area - inter;
        float cw = MathF.Max(X2, other.X2) - MathF.Min(X1, other.X1);
        float ch = MathF.Max(Y2, other.Y2) - MathF.Min(Y1, other.Y1);
        float enclosing = cw * ch;
        return enclosing > 0f ? iou - ((enclosing - union) / enclosing) : iou;
    }

    /// <summary>Returns the box clipped to [0, width] x [0, height].</summary>
    public BoxF Clip(float width, float height) => new(
        Math.Clamp(X1, 0f, width), Math.Clamp(Y1, 0f, height), Math.Clamp(X2, 0f, width), Math.Clamp(Y2, 0f, height));

    /// <summary>Returns the box scaled by independent horizontal and vertical factors.</summary>
    public BoxF Scale(float sx, float sy) => new(X1 * sx, Y1 * sy, X2 * sx, Y2 * sy);

    /// <inheritdoc/>
    public override string ToString() =>
        FormattableString.Invariant($"[{X1:0.#},{Y1:0.#},{X2:0.#},{Y2:0.#}]");
}
