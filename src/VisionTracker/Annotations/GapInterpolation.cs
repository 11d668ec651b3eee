namespace VisionTracker.Annotations;

/// <summary>
/// Offline gap filling: where a track is missing for at most <c>maxGap</c> frames between two of its boxes,
/// boxes are interpolated linearly (position and size) for the missing frames. Interpolated rows carry the
/// lower score of their two neighbours, and the class of the earlier one.
/// </summary>
internal static class GapInterpolation
{
    /// <summary>Returns a new sequence with gaps of 1..<paramref name="maxGap"/> missing frames filled.</summary>
    public static TrackSequence Fill(TrackSequence seq, int maxGap)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxGap);
        var rows = new List<TrackRecord>(seq.Rows);
        foreach (var (_, track) in seq.Tracks())
        {
            for (int i = 0; i + 1 < track.Count; i++)
            {
                var a = track[i];
                var b = track[i + 1];
                int missing = b.Frame - a.Frame - 1;
                if (missing < 1 || missing > maxGap)
                {
                    continue;
                }

                for (int f = a.Frame + 1; f < b.Frame; f++)
                {
                    double t = (double)(f - a.Frame) / (b.Frame - a.Frame);
                    rows.Add(new TrackRecord(
                        f,
                        a.Id,
                        Lerp(a.Left, b.Left, t),
                        Lerp(a.Top, b.Top, t),
                        Lerp(a.Width, b.Width, t),
                        Lerp(a.Height, b.Height, t),
                        Math.Min(a.Score, b.Score),
                        a.ClassId,
                        Math.Min(a.Visibility, b.Visibility)));
                }
            }
        }

        return seq.WithRows(rows);
    }

    private static double Lerp(double a, double b, double t) => a + ((b - a) * t);
}
