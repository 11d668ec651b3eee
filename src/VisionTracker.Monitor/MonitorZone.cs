namespace VisionTracker.Monitor;

/// <summary>A zone as the dashboard draws it: a name and a polygon in frame pixels.</summary>
/// <param name="Name">Zone name; counts are looked up by it.</param>
/// <param name="Points">Polygon vertices (x, y) in pixels of the source frame, in order; at least three.</param>
public sealed record MonitorZone(string Name, IReadOnlyList<(float X, float Y)> Points);
