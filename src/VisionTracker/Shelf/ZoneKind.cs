namespace VisionTracker.Shelf;

/// <summary>What a zone watches, which decides its anchor point and its events.</summary>
public enum ZoneKind
{
    /// <summary>Products on a shelf or table: anchored at the box's bottom-centre; emits taken, returned, empty and restocked.</summary>
    Shelf,

    /// <summary>A floor area for people (or another class): anchored at the box's centre; emits dwell.</summary>
    Area,
}
