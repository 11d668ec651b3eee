using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>Stable, well-separated colours per track id (golden-ratio hue steps).</summary>
internal static class TrackColors
{
    /// <summary>Returns the BGR colour of a track id; id &lt; 0 (untracked) is grey.</summary>
    public static Scalar For(int id)
    {
        if (id < 0)
        {
            return new Scalar(160, 160, 160);
        }

        double h = (id * 0.618033988749895) % 1.0;
        const double s = 0.85, v = 0.95;
        int i = (int)(h * 6);
        double f = (h * 6) - i;
        double p = v * (1 - s), q = v * (1 - (f * s)), t = v * (1 - ((1 - f) * s));
        (double r, double g, double b) = (i % 6) switch
        {
            0 => (v, t, p),
            1 => (q, v, p),
            2 => (p, v, t),
            3 => (p, q, v),
            4 => (t, p, v),
            _ => (v, p, q),
        };
        return new Scalar(b * 255, g * 255, r * 255);
    }
}
