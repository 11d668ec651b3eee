namespace VisionTracker.Geometry;

/// <summary>
/// Places text labels next to their regions (zone polygons) so that no two labels overlap: each label goes above its
/// region's top-left corner, else just inside it, else below it, else inside at the bottom, and when every one of
/// those is taken it is stacked above or below the preferred spot. Pure geometry, shared by the annotated video and
/// the live dashboard, which measure their text and draw the rectangles this returns.
/// </summary>
public static class LabelLayout
{
    /// <summary>Places one label of size <paramref name="sizes"/>[i] for each region <paramref name="regions"/>[i].</summary>
    /// <param name="regions">Each label's region (for example a polygon's bounds), in pixels.</param>
    /// <param name="sizes">Each label's width and height in pixels (the filled rectangle, padding included).</param>
    /// <param name="frameWidth">Canvas width; labels are kept inside it.</param>
    /// <param name="frameHeight">Canvas height; labels are kept inside it.</param>
    /// <param name="gap">Minimum free pixels between two labels.</param>
    /// <returns>One rectangle per label, in input order; no two overlap unless the canvas cannot hold them all.</returns>
    public static BoxF[] Place(IReadOnlyList<BoxF> regions, IReadOnlyList<(float Width, float Height)> sizes, float frameWidth, float frameHeight, float gap = 1f)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(sizes);
        if (regions.Count != sizes.Count)
        {
            throw new ArgumentException($"{regions.Count} regions but {sizes.Count} label sizes.", nameof(sizes));
        }

        var placed = new BoxF[regions.Count];
        for (int i = 0; i < regions.Count; i++)
        {
            BoxF r = regions[i];
            var (w, h) = sizes[i];
            ReadOnlySpan<(float X, float Y)> candidates =
            [
                (r.X1, r.Y1 - h),   // above, left-aligned
                (r.X1, r.Y1),       // inside, top-left
                (r.X1, r.Y2),       // below, left-aligned
                (r.X1, r.Y2 - h),   // inside, bottom-left
            ];
            BoxF? chosen = null;
            foreach (var (x, y) in candidates)
            {
                BoxF c = Clamp(x, y, w, h, frameWidth, frameHeight);
                if (IsFree(c, placed.AsSpan(0, i), gap))
                {
                    chosen = c;
                    break;
                }
            }

            // Everything near the region is taken: stack above or below the preferred spot, nearest first.
            int steps = (int)Math.Ceiling(frameHeight / Math.Max(1f, h + gap));
            for (int s = 1; chosen is null && s <= steps; s++)
            {
                foreach (float dir in (ReadOnlySpan<float>)[-1f, 1f])
                {
                    BoxF c = Clamp(candidates[0].X, candidates[0].Y + (dir * s * (h + gap)), w, h, frameWidth, frameHeight);
                    if (IsFree(c, placed.AsSpan(0, i), gap))
                    {
                        chosen = c;
                        break;
                    }
                }
            }

            placed[i] = chosen ?? Clamp(candidates[0].X, candidates[0].Y, w, h, frameWidth, frameHeight);
        }

        return placed;
    }

    /// <summary>Whether two label rectangles overlap or come closer than <paramref name="gap"/> pixels.</summary>
    public static bool Overlap(BoxF a, BoxF b, float gap = 0f) =>
        a.X1 < b.X2 + gap && b.X1 < a.X2 + gap && a.Y1 < b.Y2 + gap && b.Y1 < a.Y2 + gap;

    private static bool IsFree(BoxF c, ReadOnlySpan<BoxF> placed, float gap)
    {
        foreach (BoxF p in placed)
        {
            if (Overlap(c, p, gap))
            {
                return false;
            }
        }

        return true;
    }

    private static BoxF Clamp(float x, float y, float w, float h, float frameWidth, float frameHeight)
    {
        float cx = Math.Clamp(x, 0f, Math.Max(0f, frameWidth - w));
        float cy = Math.Clamp(y, 0f, Math.Max(0f, frameHeight - h));
        return new BoxF(cx, cy, cx + w, cy + h);
    }
}
