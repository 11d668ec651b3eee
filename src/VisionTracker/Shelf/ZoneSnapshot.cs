using VisionTracker.Detection;

namespace VisionTracker.Shelf;

/// <summary>A zone and its current (debounced) counts, for dashboards and the annotated video.</summary>
/// <param name="Zone">The zone; <see cref="Zone.Polygon"/> is in frame pixels.</param>
/// <param name="Counts">Count per counted class id (every class of <see cref="Zone.ClassIds"/> is present, 0 when none).</param>
public sealed record ZoneSnapshot(Zone Zone, IReadOnlyDictionary<int, int> Counts)
{
    /// <summary>Sum of the counts over all classes.</summary>
    public int Total => Counts.Values.Sum();

    /// <summary>A short label such as <c>table: bottle 3</c>, for drawing next to the polygon.</summary>
    public string Label =>
        Zone.Name + ": " + string.Join(", ", Counts.OrderBy(kv => kv.Key).Select(kv => FormattableString.Invariant($"{CocoClasses.NameOf(kv.Key)} {kv.Value}")));
}
