namespace VisionTracker.Geometry;

/// <summary>A point in pixel (or normalised) coordinates.</summary>
/// <param name="X">Horizontal coordinate.</param>
/// <param name="Y">Vertical coordinate.</param>
public readonly record struct PointF(float X, float Y);
