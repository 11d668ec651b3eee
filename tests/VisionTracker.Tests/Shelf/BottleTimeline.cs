namespace VisionTracker.Tests.Shelf;

/// <summary>
/// What a person sees on <c>videos/bottle-detection.mp4</c> (640x360, 1189 frames, 29.83 fps, 39.86 s): the number of
/// bottles standing on the table over time. Expected data for the end-to-end shelf test.
/// </summary>
/// <remarks>
/// <para>
/// How it was made (by looking, not by running any model): one frame per second was extracted with
/// <c>ffmpeg -i bottle-detection.mp4 -vf fps=1 …</c>, then 5 fps contact sheets around every change, then 10 fps crops
/// of the bottle being lifted or set down (<c>-vf "trim=start=S:end=E,fps=10,crop=…"</c>). A bottle counts as standing
/// from the first frame its base touches the table (its shadow meets the base) until the last frame before its base
/// leaves the table. Change times are read to about ±0.1 s. A bottle held by its cap while its base is on the table is
/// standing.
/// </para>
/// <para>
/// Bottles stand at x ≈ 57-122 (left), 287-344 (middle) and 509-572 (right), bases at y ≈ 311; the zones in
/// <c>samples/zones/bottle-detection.json</c> start at y = 292, so a lifted bottle's bottom-centre leaves them.
/// </para>
/// <para>
/// Hands in front of bottles: no hand passes in front of a bottle without touching it in this clip. What does happen,
/// eight times (see <see cref="HandOcclusions"/>), is that a hand covers a standing bottle's top for 0.5-1.4 s while
/// reaching for it or after setting it down, and an arm blurs past above the bottles (around 24.4 s, 30.6-31.0 s and
/// 36.6 s). These are the moments where a detector or tracker may lose a standing bottle; the count must not change
/// there, so none of them may produce a taken+returned pair.
/// </para>
/// </remarks>
internal static class BottleTimeline
{
    /// <summary>The clip, under the data root's videos/ folder.</summary>
    public const string VideoFile = "bottle-detection.mp4";

    /// <summary>Clip length in seconds (1189 frames at 29.83 fps).</summary>
    public const double DurationSeconds = 39.86;

    /// <summary>Bottles on the table at t = 0.</summary>
    public const int InitialCount = 3;

    /// <summary>Every change of the table count, in time order.</summary>
    public static IReadOnlyList<Change> Changes { get; } =
    [
        new(6.7, 3, 2, "left", "hand lifts the left bottle (grips its cap from 5.8 s)"),
        new(12.4, 2, 3, "left", "left bottle set down again (carried in from the top-left from 11.1 s)"),
        new(17.4, 3, 1, "left+middle", "two hands lift the left and middle bottles together"),
        new(23.4, 1, 2, "middle", "middle bottle set down (carried in from 21.8 s)"),
        new(28.0, 2, 3, "left", "left bottle set down (carried in from 27.2 s)"),
        new(31.7, 3, 2, "right", "hand lifts the right bottle"),
        new(36.1, 2, 3, "right", "right bottle set down (carried in from 34.4 s)"),
    ];

    /// <summary>The count a person sees at each whole second t = 0..39 (frames extracted with fps=1).</summary>
    public static IReadOnlyList<int> PerSecond { get; } =
    [
        3, 3, 3, 3, 3, 3, 3,    // 0-6   (hand on the left bottle at 6)
        2, 2, 2, 2, 2, 2,       // 7-12  (left bottle in the air at 11 and 12)
        3, 3, 3, 3, 3,          // 13-17 (hands on left and middle at 16 and 17)
        1, 1, 1, 1, 1, 1,       // 18-23 (middle bottle in the air at 22 and 23)
        2, 2, 2, 2,             // 24-27 (left bottle in the air at 27)
        3, 3, 3, 3,             // 28-31 (set down at 28.0; hand on the right bottle at 31)
        2, 2, 2, 2, 2,          // 32-36 (right bottle in the air at 35 and 36)
        3, 3, 3,                // 37-39
    ];

    /// <summary>Times when a hand covers a standing bottle without the count changing.</summary>
    public static IReadOnlyList<Occlusion> HandOcclusions { get; } =
    [
        new(5.8, 6.7, "left", "hand reaches in and grips the cap before lifting"),
        new(12.4, 13.4, "left", "hand still on the cap after setting it down"),
        new(16.0, 17.4, "left", "left hand on the cap before lifting"),
        new(16.0, 17.4, "middle", "right hand on the cap before lifting"),
        new(23.4, 24.4, "middle", "hand on the cap after setting it down, then sweeps away past the top"),
        new(28.0, 28.8, "left", "hand on the cap after setting it down"),
        new(30.9, 31.7, "right", "arm sweeps in above, then the hand grips the cap"),
        new(36.1, 36.7, "right", "hand on the cap after setting it down, then leaves"),
    ];

    /// <summary>The table count a person sees at <paramref name="seconds"/> (a change takes effect at its time).</summary>
    public static int CountAt(double seconds)
    {
        int count = InitialCount;
        foreach (var c in Changes)
        {
            if (seconds >= c.Seconds)
            {
                count = c.To;
            }
        }

        return count;
    }

    /// <summary>Whether <paramref name="seconds"/> lies within <paramref name="tolerance"/> of a change (where a debounced count may still lag).</summary>
    public static bool NearChange(double seconds, double tolerance) =>
        Changes.Any(c => Math.Abs(seconds - c.Seconds) <= tolerance);

    /// <summary>A change of the table count.</summary>
    /// <param name="Seconds">When the base leaves or touches the table.</param>
    /// <param name="From">Count before.</param>
    /// <param name="To">Count after.</param>
    /// <param name="Bottles">Which positions change (left, middle, right).</param>
    /// <param name="What">What happens.</param>
    internal sealed record Change(double Seconds, int From, int To, string Bottles, string What);

    /// <summary>A hand in front of a standing bottle that stays.</summary>
    internal sealed record Occlusion(double StartSeconds, double EndSeconds, string Bottle, string What);
}
