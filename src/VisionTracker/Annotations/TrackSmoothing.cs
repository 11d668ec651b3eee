namespace VisionTracker.Annotations;

/// <summary>
/// Offline temporal smoothing of track boxes: each box's centre, width and height become the Gaussian-weighted mean of
/// the same track's boxes within three sigmas in time (sigma in seconds, so the smoothing spans the same time at any
/// frame rate). It removes the detector's frame-to-frame jitter, which is what most of the localisation error of a
/// tracker that outputs its detections is. It needs later frames, so it runs on finished sequences (the annotation
/// exports of <c>vtrack track</c>), never on live output; frame, id, score, class and visibility are kept.
/// </summary>
/// <remarks>
/// The default, 0.05 s, is the middle of the range (0.03-0.07 s) in which no tracker on no input of
/// docs/tracking-quality.md ("Offline box smoothing") lost HOTA or IDF1 or gained an id switch: it improves the
/// 25-30 fps inputs (TUD-Campus Femto and det.txt, MOT17-mini) and leaves 8 fps ones as their scores were (at 8.33 fps,
/// 0.05 s is 0.42 frame, so a neighbour one frame away weighs e^-2.88 ≈ 0.056 against the box's own 1).
/// </remarks>
internal static class TrackSmoothing
{
    /// <summary>The default sigma in seconds.</summary>
    public const double DefaultSigmaSeconds = 0.05;

    /// <summary>
    /// Returns <paramref name="seq"/> with its boxes smoothed over time, or <paramref name="seq"/> itself when
    /// <paramref name="sigmaSeconds"/> is 0 or the frame rate is unknown.
    /// </summary>
    /// <param name="seq">The finished sequence.</param>
    /// <param name="sigmaSeconds">Gaussian sigma in seconds (0: off).</param>
    /// <param name="fps">Frames per second of the sequence's frame numbers (default: <see cref="TrackSequence.Fps"/>).</param>
    public static TrackSequence Smooth(TrackSequence seq, double sigmaSeconds, double? fps = null)
    {
        ArgumentNullException.ThrowIfNull(seq);
        ArgumentOutOfRangeException.ThrowIfNegative(sigmaSeconds);
        double rate = fps ?? seq.Fps;
        if (sigmaSeconds == 0 || !(rate > 0) || double.IsInfinity(rate))
        {
            return seq;
        }

        double sigma = sigmaSeconds * rate; // in frames
        int reach = (int)Math.Ceiling(3 * sigma);
        if (reach < 1)
        {
            return seq;
        }

        double inv2s2 = 1 / (2 * sigma * sigma);
        var rows = new List<TrackRecord>(seq.Rows.Count);
        foreach (var (_, track) in seq.Tracks())
        {
            // Tracks() lists each track's rows in frame order, one row per frame.
            int lo = 0;
            for (int i = 0; i < track.Count; i++)
            {
                TrackRecord r = track[i];
                while (track[lo].Frame < r.Frame - reach)
                {
                    lo++;
                }

                double cx = 0, cy = 0, w = 0, h = 0, n = 0;
                for (int j = lo; j < track.Count && track[j].Frame <= r.Frame + reach; j++)
                {
                    TrackRecord q = track[j];
                    double d = q.Frame - r.Frame;
                    double g = Math.Exp(-d * d * inv2s2);
                    cx += g * (q.Left + (q.Width / 2));
                    cy += g * (q.Top + (q.Height / 2));
                    w += g * q.Width;
                    h += g * q.Height;
                    n += g;
                }

                w /= n;
                h /= n;
                rows.Add(r with { Left = (cx / n) - (w / 2), Top = (cy / n) - (h / 2), Width = w, Height = h });
            }
        }

        return seq.WithRows(rows);
    }
}
