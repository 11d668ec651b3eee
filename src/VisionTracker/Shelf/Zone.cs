using System.Runtime.CompilerServices;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Shelf;

/// <summary>
/// A named region of the frame, in pixels, with the classes it counts and its thresholds. Usually loaded with
/// <see cref="ZoneFile.Load(string, int, int)"/>; drawing code reads <see cref="Polygon"/> (pixels) and the counts from
/// <see cref="ZoneMonitor.Snapshot"/>.
/// </summary>
public sealed class Zone
{
    /// <summary>Default <see cref="MinStableSeconds"/>: long enough to ignore a hand passing in front of an item.</summary>
    public const double DefaultMinStableSeconds = 0.5;

    /// <summary>Default <see cref="HoldSeconds"/>: how long a track lost from view (behind a hand) still counts.</summary>
    public const double DefaultHoldSeconds = 1.0;

    /// <summary>Default <see cref="DwellSeconds"/> for area zones.</summary>
    public const double DefaultDwellSeconds = 5.0;

    private readonly int[] _classIds;
    private readonly HashSet<int> _classSet;

    /// <summary>Creates a zone.</summary>
    /// <param name="name">Unique, non-blank name.</param>
    /// <param name="kind">Shelf (bottom-centre anchor, count events) or area (centre anchor, dwell events).</param>
    /// <param name="polygon">The region in frame pixels.</param>
    /// <param name="classIds">Classes counted (at least one).</param>
    /// <param name="minStableSeconds">A count changes only after the new raw count has held this long (0 = at once).</param>
    /// <param name="holdSeconds">A track that vanishes keeps counting where it was last seen for this long (0 = not at all).</param>
    /// <param name="dwellSeconds">Area zones: a visit longer than this is a dwell. Must be null for shelf zones.</param>
    /// <param name="dwellReport">Area zones: report the dwell at the end of the visit or when the threshold passes.</param>
    /// <exception cref="ArgumentException">A value is out of range (the message says which).</exception>
    public Zone(
        string name,
        ZoneKind kind,
        Polygon polygon,
        IEnumerable<int> classIds,
        double minStableSeconds = DefaultMinStableSeconds,
        double holdSeconds = DefaultHoldSeconds,
        double? dwellSeconds = null,
        DwellReport dwellReport = DwellReport.OnExit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(polygon);
        ArgumentNullException.ThrowIfNull(classIds);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentException($"Unknown zone kind {(int)kind}.", nameof(kind));
        }

        _classIds = classIds.Distinct().Order().ToArray();
        if (_classIds.Length == 0)
        {
            throw new ArgumentException($"Zone '{name}' counts no class; give at least one.", nameof(classIds));
        }

        if (!double.IsFinite(minStableSeconds) || minStableSeconds < 0)
        {
            throw new ArgumentException($"Zone '{name}': minStableSeconds must be a finite number >= 0; got {minStableSeconds}.", nameof(minStableSeconds));
        }

        if (!double.IsFinite(holdSeconds) || holdSeconds < 0)
        {
            throw new ArgumentException($"Zone '{name}': holdSeconds must be a finite number >= 0; got {holdSeconds}.", nameof(holdSeconds));
        }

        if (kind == ZoneKind.Shelf && dwellSeconds is not null)
        {
            throw new ArgumentException($"Zone '{name}': dwellSeconds applies to area zones only.", nameof(dwellSeconds));
        }

        if (dwellSeconds is { } d && (!double.IsFinite(d) || d <= 0))
        {
            throw new ArgumentException($"Zone '{name}': dwellSeconds must be a finite number > 0; got {d}.", nameof(dwellSeconds));
        }

        Name = name;
        Kind = kind;
        Polygon = polygon;
        _classSet = [.. _classIds];
        MinStableSeconds = minStableSeconds;
        HoldSeconds = holdSeconds;
        DwellSeconds = kind == ZoneKind.Area ? dwellSeconds ?? DefaultDwellSeconds : null;
        DwellReport = dwellReport;
    }

    /// <summary>The zone's unique name.</summary>
    public string Name { get; }

    /// <summary>Shelf or area.</summary>
    public ZoneKind Kind { get; }

    /// <summary>The region in frame pixels.</summary>
    public Polygon Polygon { get; }

    /// <summary>Counted classes, ascending.</summary>
    public IReadOnlyList<int> ClassIds => _classIds;

    /// <summary>Counted class names, in the order of <see cref="ClassIds"/>.</summary>
    public IEnumerable<string> ClassNames => _classIds.Select(CocoClasses.NameOf);

    /// <summary>How long a new raw count must hold before the reported count changes.</summary>
    public double MinStableSeconds { get; }

    /// <summary>How long a vanished track keeps counting where it was last seen.</summary>
    public double HoldSeconds { get; }

    /// <summary>Area zones: the dwell threshold in seconds; null for shelf zones.</summary>
    public double? DwellSeconds { get; }

    /// <summary>Area zones: when a dwell is reported.</summary>
    public DwellReport DwellReport { get; }

    /// <summary>Whether the zone counts class <paramref name="classId"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Accepts(int classId) => _classSet.Contains(classId);

    /// <summary>The point of <paramref name="box"/> tested against the polygon: bottom-centre for shelf zones, centre for area zones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PointF AnchorOf(in BoxF box) =>
        Kind == ZoneKind.Shelf ? new PointF(box.CenterX, box.Y2) : new PointF(box.CenterX, box.CenterY);

    /// <summary>Whether the anchor of <paramref name="box"/> lies in the zone (edges count as inside).</summary>
    public bool Contains(in BoxF box) => Polygon.Contains(AnchorOf(box));

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}, {string.Join(",", ClassNames)})";
}
