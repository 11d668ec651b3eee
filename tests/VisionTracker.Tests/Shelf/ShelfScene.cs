using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Shelf;

namespace VisionTracker.Tests.Shelf;

/// <summary>One object in a scripted frame.</summary>
internal readonly record struct SceneObject(int TrackId, int ClassId, BoxF Box);

/// <summary>
/// Drives a <see cref="ZoneMonitor"/> with scripted frames at a fixed rate and records events and counts,
/// so tests read as "at these times, these objects are here".
/// </summary>
internal sealed class ShelfScene(ZoneMonitor monitor, double fps = 30.0, bool withTrackIds = true)
{
    public const int Bottle = 39;
    public const int Cup = 41;
    public const int Person = 0;

    private long _frame;

    public ZoneMonitor Monitor { get; } = monitor;

    public List<ShelfEvent> Events { get; } = [];

    public double Now => _frame / fps;

    public long Frame => _frame;

    /// <summary>A bottle standing on the shelf at x (bottom at y = 250, inside <see cref="ShelfZone"/>).</summary>
    public static SceneObject Standing(int id, float x, int cls = Bottle) => new(id, cls, new BoxF(x - 20, 100, x + 20, 250));

    /// <summary>The same bottle lifted off the shelf (bottom at y = 150, outside <see cref="ShelfZone"/>).</summary>
    public static SceneObject Lifted(int id, float x, int cls = Bottle) => new(id, cls, new BoxF(x - 20, 0, x + 20, 150));

    /// <summary>A shelf strip y 200..300 across a 640-wide frame, counting bottles and cups.</summary>
    public static Zone ShelfZone(double minStable = 0.5, double hold = 1.0, string name = "shelf") =>
        new(name, ZoneKind.Shelf, Polygon.FromBox(new BoxF(0, 200, 640, 300)), [Bottle, Cup], minStable, hold);

    /// <summary>Runs frames for <paramref name="seconds"/>, each showing <paramref name="scene"/>(t).</summary>
    public ShelfScene Run(double seconds, Func<double, IEnumerable<SceneObject>> scene)
    {
        double end = Now + seconds;
        while (Now < end - 1e-9)
        {
            Step(scene(Now));
        }

        return this;
    }

    /// <summary>Runs frames for <paramref name="seconds"/> showing the same objects.</summary>
    public ShelfScene Run(double seconds, params SceneObject[] objects) => Run(seconds, _ => objects);

    /// <summary>One frame.</summary>
    public void Step(IEnumerable<SceneObject> objects) => Step(objects, null);

    /// <summary>
    /// One frame whose detections are the tracked <paramref name="objects"/> plus <paramref name="untracked"/> boxes no
    /// track explains (a low-score item the tracker has not started a track for); null passes no detections at all.
    /// </summary>
    public void Step(IEnumerable<SceneObject> objects, IEnumerable<SceneObject>? untracked)
    {
        var list = objects.ToList();
        var d = new Detections(
            list.Select(o => o.Box).ToArray(),
            list.Select(_ => 0.9f).ToArray(),
            list.Select(o => o.ClassId).ToArray(),
            trackIds: withTrackIds ? list.Select(o => o.TrackId).ToArray() : null);
        Detections? dets = null;
        if (untracked is not null)
        {
            var all = list.Concat(untracked).ToList();
            dets = new Detections(all.Select(o => o.Box).ToArray(), all.Select(_ => 0.3f).ToArray(), all.Select(o => o.ClassId).ToArray());
        }

        Events.AddRange(Monitor.Update(d, dets, _frame, Now));
        _frame++;
    }

    public ShelfScene Flush()
    {
        Events.AddRange(Monitor.Flush(_frame - 1, (_frame - 1) / fps));
        return this;
    }

    public IEnumerable<ShelfEvent> OfKind(ShelfEventKind kind) => Events.Where(e => e.Kind == kind);
}
