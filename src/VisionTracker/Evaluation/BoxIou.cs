namespace VisionTracker.Evaluation;

/// <summary>TrackEval's <c>_calculate_box_ious</c> (xywh, double precision), including its epsilon guards.</summary>
internal static class BoxIou
{
    private const double Eps = 2.220446049250313e-16;

    /// <summary>Fills <paramref name="result"/> (row-major [a, b]) with IoUs of xywh boxes.</summary>
    public static void Compute(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        int na = a.Length / 4, nb = b.Length / 4;
        for (int i = 0; i < na; i++)
        {
            double ax0 = a[4 * i], ay0 = a[(4 * i) + 1];
            double ax1 = ax0 + a[(4 * i) + 2], ay1 = ay0 + a[(4 * i) + 3];
            double areaA = (ax1 - ax0) * (ay1 - ay0);
            for (int j = 0; j < nb; j++)
            {
                double bx0 = b[4 * j], by0 = b[(4 * j) + 1];
                double bx1 = bx0 + b[(4 * j) + 2], by1 = by0 + b[(4 * j) + 3];
                double areaB = (bx1 - bx0) * (by1 - by0);
                double inter = Math.Max(Math.Min(ax1, bx1) - Math.Max(ax0, bx0), 0) * Math.Max(Math.Min(ay1, by1) - Math.Max(ay0, by0), 0);
                double union = areaA + areaB - inter;
                if (areaA <= Eps || areaB <= Eps || union <= Eps)
                {
                    inter = 0;
                }

                if (union <= Eps)
                {
                    union = 1;
                }

                result[(i * nb) + j] = inter / union;
            }
        }
    }
}
