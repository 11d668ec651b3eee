using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Shelf;

/// <summary>
/// Turns each frame's tracks into debounced per-zone, per-class counts and shelf events
/// (taken, returned, empty, restocked, dwell). Plain C#: no OpenCV, no ONNX Runtime.
/// </summary>
/// <remarks>
/// <para>
/// <b>Membership.</b> A track is in a zone when the zone counts its class and its anchor (bottom-centre for shelf
/// zones, centre for area zones) lies in the polygon. A track that was in the zone and is missing from the current
/// frame (lost behind a hand) keeps counting there for the zone's <see cref="Zone.HoldSeconds"/>, unless a present
/// track of the same class now stands where it was last seen (box IoU at least <see cref="SupersedeIoU"/>), which means
/// the tracker gave the same item a new id.
/// </para>
/// <para>
/// <b>Debouncing.</b> The raw count is present members plus held members. The reported count changes only after a new
/// raw value has held for <see cref="Zone.MinStableSeconds"/>; a shorter dip (a hand passing in front) produces no
/// events. The first <see cref="Zone.MinStableSeconds"/> of the stream set the starting counts without events.
/// </para>
/// <para>
/// <b>Back-dating.</b> A confirmed change is reported at the time it started, not when the debounce ended: each
/// <see cref="ShelfEventKind.Taken"/> at the first frame its track was no longer seen in the zone (lifted out, or gone
/// from view and then not back within the hold), each <see cref="ShelfEventKind.Returned"/> at the first frame its track
/// was seen in the zone (since it last left it), and without track ids at the first frame of the stable new raw count.
/// A tracker starts a track only after confident detections, which a hand still on the item can delay by a second; so
/// when the frame's detections are given (<see cref="Update(Detections, Detections?, long, double)"/>), a returned
/// item's arrival is traced back through the detections no track explained: frame by frame, while a same-class box
/// stands where the track first stood (IoU at least 0.5 with its first box, anchor in the zone and within 3% of the box
/// height of the track's first anchor), for at most <see cref="ArrivalLookBackSeconds"/>. Tracing never creates, drops or
/// reorders events; it only dates returns.
/// <see cref="ShelfEventKind.Empty"/> takes the time of the last taken, <see cref="ShelfEventKind.Restocked"/> that of the
/// first returned. The event carries the frame and time it was confirmed at (<see cref="ShelfEvent.ConfirmedFrameIndex"/>,
/// <see cref="ShelfEvent.ConfirmedAfterSeconds"/>). An event is never dated before the previous event of its zone and
/// class, so one zone's events, in the order they are returned, have non-decreasing timestamps and counts that
/// replay the zone's count.
/// </para>
/// <para>
/// <b>Events.</b> A drop of k gives k <see cref="ShelfEventKind.Taken"/> events (each naming a track that left or
/// vanished, when known), then <see cref="ShelfEventKind.Empty"/> when the count reached 0. A rise of k gives k
/// <see cref="ShelfEventKind.Returned"/> events, then <see cref="ShelfEventKind.Restocked"/> when it left 0. Count
/// events come from shelf zones only; area zones keep counts (occupancy) and emit <see cref="ShelfEventKind.Dwell"/>:
/// one per track per visit, where a visit survives gaps up to <see cref="Zone.HoldSeconds"/>.
/// </para>
/// <para>Detections without track ids are counted, but cannot be held, named in events, or dwell.</para>
/// </remarks>
public sealed class ZoneMonitor
{
    /// <summary>Default <see cref="SupersedeIoU"/>.</summary>
    public const float DefaultSupersedeIoU = 0.3f;

    /// <summary>Default <see cref="ArrivalLookBackSeconds"/>.</summary>
    public const double DefaultArrivalLookBackSeconds = 2.0;

    /// <summary>Least IoU of an untracked detection with a returned track's first box for tracing its arrival back.</summary>
    private const float TraceIoU = 0.5f;

    /// <summary>
    /// How far (as a share of the box height) an untracked detection's anchor may lie from a returned track's first
    /// anchor and still be the item standing there: 3%, 6 px for a 200 px bottle. A bottle being set down moves its base
    /// 2-5 px per frame at 30 fps, so this stops the trace within a frame or two of it touching the shelf.
    /// </summary>
    private const float StandingTolerance = 0.03f;

    private readonly ZoneState[] _zones;
    private readonly Dictionary<int, TrackMemo> _tracks = [];
    private readonly List<int> _scratchIds = [];
    private readonly List<TrackMemo> _present = [];
    private readonly double _maxHold;
    private readonly double _retainSeconds;
    private readonly HashSet<int> _shelfClasses = [];
    private readonly List<DetectionFrame> _history = [];
    private readonly Stack<DetectionFrame> _spareFrames = new();
    private double _lastTime = double.NaN;
    private List<Action<long, double>>? _rebase;

    /// <summary>Creates a monitor over <paramref name="zones"/>.</summary>
    /// <param name="zones">Zones with unique names (as <see cref="ZoneFile.Load(string, int, int)"/> returns them).</param>
    /// <param name="supersedeIoU">A held (missing) track is dropped when a present track of its class overlaps its last box by at least this IoU.</param>
    /// <param name="arrivalLookBackSeconds">How far before its track a returned item's arrival may be traced back through untracked detections (0: not at all).</param>
    /// <exception cref="ArgumentException">Duplicate zone names, <paramref name="supersedeIoU"/> outside (0, 1], or a negative or non-finite look-back.</exception>
    public ZoneMonitor(IReadOnlyList<Zone> zones, float supersedeIoU = DefaultSupersedeIoU, double arrivalLookBackSeconds = DefaultArrivalLookBackSeconds)
    {
        ArgumentNullException.ThrowIfNull(zones);
        if (!(supersedeIoU > 0f && supersedeIoU <= 1f))
        {
            throw new ArgumentException($"supersedeIoU must be in (0, 1]; got {supersedeIoU}.", nameof(supersedeIoU));
        }

        if (!(arrivalLookBackSeconds >= 0 && double.IsFinite(arrivalLookBackSeconds)))
        {
            throw new ArgumentException($"arrivalLookBackSeconds must be finite and at least 0; got {arrivalLookBackSeconds}.", nameof(arrivalLookBackSeconds));
        }

        var dup = zones.GroupBy(z => z.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
        {
            throw new ArgumentException($"Zone name '{dup.Key}' is used more than once.", nameof(zones));
        }

        Zones = zones.ToArray();
        _zones = Zones.Select(z => new ZoneState(z)).ToArray();
        _maxHold = Zones.Count == 0 ? 0 : Zones.Max(z => z.HoldSeconds);
        SupersedeIoU = supersedeIoU;
        ArrivalLookBackSeconds = arrivalLookBackSeconds;
        foreach (var z in Zones.Where(z => z.Kind == ZoneKind.Shelf))
        {
            _shelfClasses.UnionWith(z.ClassIds);
        }

        // A return is confirmed at most minStable after its track arrived (later only if the count wavered); keep
        // detections for that plus the look-back, with a margin.
        _retainSeconds = Zones.Count == 0 ? 0 : arrivalLookBackSeconds + Zones.Max(z => z.MinStableSeconds + z.HoldSeconds) + 1.0;
    }

    /// <summary>How far before its track a returned item's arrival may be traced back through untracked detections.</summary>
    public double ArrivalLookBackSeconds { get; }

    /// <summary>The zones, in the order given.</summary>
    public IReadOnlyList<Zone> Zones { get; }

    /// <summary>IoU above which a present track replaces a held one of the same class.</summary>
    public float SupersedeIoU { get; }

    /// <summary>
    /// Consumes one frame's tracks and returns the events it confirmed (often none). Call once per frame, in order.
    /// </summary>
    /// <param name="tracks">This frame's tracked detections (with <see cref="Detections.TrackIds"/> when available).</param>
    /// <param name="frameIndex">0-based frame index.</param>
    /// <param name="timestampSeconds">Stream time of the frame in seconds (non-decreasing).</param>
    /// <exception cref="ArgumentException">The timestamp is not finite.</exception>
    public IReadOnlyList<ShelfEvent> Update(Detections tracks, long frameIndex, double timestampSeconds) =>
        Update(tracks, null, frameIndex, timestampSeconds);

    /// <summary>
    /// Consumes one frame's tracks and the detections they came from, and returns the events it confirmed (often none).
    /// The detections only date returned items more precisely (see the remarks); counts and events come from the tracks.
    /// Call once per frame, in order.
    /// </summary>
    /// <param name="tracks">This frame's tracked detections (with <see cref="Detections.TrackIds"/> when available).</param>
    /// <param name="detections">This frame's detections before tracking (any score the tracker saw), or null.</param>
    /// <param name="frameIndex">0-based frame index.</param>
    /// <param name="timestampSeconds">Stream time of the frame in seconds (non-decreasing).</param>
    /// <exception cref="ArgumentException">The timestamp is not finite.</exception>
    public IReadOnlyList<ShelfEvent> Update(Detections tracks, Detections? detections, long frameIndex, double timestampSeconds)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (!double.IsFinite(timestampSeconds))
        {
            throw new ArgumentException($"Frame {frameIndex}: timestamp {timestampSeconds} is not finite.", nameof(timestampSeconds));
        }

        double t = timestampSeconds;
        List<ShelfEvent>? events = null;
        _lastTime = t;
        if (_rebase is not null)
        {
            foreach (var rebase in _rebase)
            {
                rebase(frameIndex, t);
            }

            _rebase = null;
        }

        ObserveTracks(tracks, t);
        ForgetStaleTracks(t);
        RememberUntrackedDetections(tracks, detections, new Mark(frameIndex, t));

        for (int z = 0; z < _zones.Length; z++)
        {
            var zs = _zones[z];
            zs.CountRaw(z, tracks, _tracks.Values, t);
            foreach (var cs in zs.Classes)
            {
                cs.MarkArrivalsAndDepartures(new Mark(frameIndex, t), _tracks);
                Debounce(zs, cs, frameIndex, t, ref events);
            }

            if (zs.Zone.Kind == ZoneKind.Area)
            {
                UpdateVisits(zs, z, frameIndex, t, ref events);
            }
        }

        return events is null ? [] : events;
    }

    /// <summary>
    /// Ends the stream: closes every open visit (reporting dwells for <see cref="DwellReport.OnExit"/> zones) and
    /// returns those events. Pending count changes that have not yet held for their zone's stable time are dropped.
    /// </summary>
    /// <param name="frameIndex">The last frame's index.</param>
    /// <param name="timestampSeconds">The last frame's time in seconds.</param>
    public IReadOnlyList<ShelfEvent> Flush(long frameIndex, double timestampSeconds)
    {
        List<ShelfEvent>? events = null;
        foreach (var zs in _zones)
        {
            if (zs.Zone.Kind != ZoneKind.Area)
            {
                continue;
            }

            _scratchIds.Clear();
            _scratchIds.AddRange(zs.Visits.Keys);
            _scratchIds.Sort();
            foreach (int id in _scratchIds)
            {
                CloseVisit(zs, id, frameIndex, timestampSeconds, ref events);
            }
        }

        return events is null ? [] : events;
    }

    /// <summary>
    /// The current (debounced) count of class <paramref name="classId"/> in zone <paramref name="zoneName"/>. During the
    /// first <see cref="Zone.MinStableSeconds"/> of a stream, before a starting count is settled, this is the raw count.
    /// </summary>
    /// <exception cref="ArgumentException">No such zone, or the zone does not count that class.</exception>
    public int CountOf(string zoneName, int classId)
    {
        var zs = _zones.FirstOrDefault(z => string.Equals(z.Zone.Name, zoneName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"No zone named '{zoneName}'. Zones: {string.Join(", ", Zones.Select(z => z.Name))}.", nameof(zoneName));
        var cs = zs.Classes.FirstOrDefault(c => c.ClassId == classId)
            ?? throw new ArgumentException($"Zone '{zoneName}' does not count class {CocoClasses.NameOf(classId)}.", nameof(classId));
        return cs.Reported;
    }

    /// <summary>Every zone with its current counts, in zone order (for dashboards and drawing).</summary>
    public IReadOnlyList<ZoneSnapshot> Snapshot() =>
        _zones.Select(zs => new ZoneSnapshot(zs.Zone, zs.Classes.ToDictionary(c => c.ClassId, c => c.Reported))).ToArray();

    /// <summary>Captures counts, counted ids, remembered tracks and open visits; see <see cref="ZoneMonitorSnapshot"/>.</summary>
    public ZoneMonitorSnapshot Capture()
    {
        double now = double.IsNaN(_lastTime) ? 0 : _lastTime;
        var tracks = _tracks.Values.OrderBy(m => m.Id).Select(m => new ZoneTrackSnapshot
        {
            Id = m.Id,
            ClassId = m.ClassId,
            X1 = m.Box.X1,
            Y1 = m.Box.Y1,
            X2 = m.Box.X2,
            Y2 = m.Box.Y2,
            SecondsUnseen = Math.Max(0, now - m.LastSeen),
            InZones = Enumerable.Range(0, _zones.Length).Where(z => m.InZone[z]).Select(z => _zones[z].Zone.Name).ToArray(),
        }).ToArray();
        var zones = _zones.Select(zs => new ZoneStateSnapshot
        {
            Name = zs.Zone.Name,
            Classes = zs.Classes.Select(cs => new ZoneClassSnapshot
            {
                ClassId = cs.ClassId,
                Initialized = cs.Initialized,
                Count = cs.Reported,
                Members = cs.Initialized ? [.. cs.ConfirmedMembers.Order()] : [.. cs.Members.Order()],
            }).ToArray(),
            Visits = zs.Visits.OrderBy(kv => kv.Key).Select(kv => new ZoneVisitSnapshot
            {
                TrackId = kv.Key,
                ClassId = kv.Value.ClassId,
                SecondsSinceStart = Math.Max(0, now - kv.Value.Start),
                SecondsSinceInside = Math.Max(0, now - kv.Value.LastInside),
                Reported = kv.Value.Reported,
            }).ToArray(),
        }).ToArray();
        return new ZoneMonitorSnapshot { Zones = zones, Tracks = tracks };
    }

    /// <summary>
    /// Replaces the state with <paramref name="snapshot"/> (see <see cref="ZoneMonitorSnapshot"/>): settled counts and
    /// their track ids continue (a later change is reported against them, with no new warm-up), held tracks keep
    /// counting for their hold time, and open visits keep their start. Zones and classes are matched by name and id;
    /// others are ignored. Call before the first <see cref="Update(Detections, long, double)"/> of the stream; times are
    /// rebased onto that first frame.
    /// </summary>
    public void Restore(ZoneMonitorSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Reset();
        var rebase = new List<Action<long, double>>();
        foreach (var ts in snapshot.Tracks)
        {
            if (_tracks.ContainsKey(ts.Id))
            {
                continue;
            }

            var memo = new TrackMemo(ts.Id, _zones.Length) { ClassId = ts.ClassId, Box = new BoxF(ts.X1, ts.Y1, ts.X2, ts.Y2) };
            for (int z = 0; z < _zones.Length; z++)
            {
                memo.InZone[z] = ts.InZones.Contains(_zones[z].Zone.Name, StringComparer.OrdinalIgnoreCase);
            }

            _tracks.Add(ts.Id, memo);
            double unseen = Math.Max(0, ts.SecondsUnseen);
            rebase.Add((_, t) => memo.LastSeen = t - unseen);
        }

        foreach (var zsnap in snapshot.Zones)
        {
            var zs = _zones.FirstOrDefault(z => string.Equals(z.Zone.Name, zsnap.Name, StringComparison.OrdinalIgnoreCase));
            if (zs is null)
            {
                continue;
            }

            foreach (var csnap in zsnap.Classes)
            {
                var cs = zs.Classes.FirstOrDefault(c => c.ClassId == csnap.ClassId);
                if (cs is null || !csnap.Initialized)
                {
                    continue;
                }

                cs.Initialized = true;
                cs.Confirmed = Math.Max(0, csnap.Count);
                cs.ConfirmedMembers.UnionWith(csnap.Members);
                rebase.Add((f, t) => cs.LastEvent = new Mark(f, t));
            }

            foreach (var v in zsnap.Visits)
            {
                if (zs.Visits.ContainsKey(v.TrackId))
                {
                    continue;
                }

                var visit = new Visit(v.ClassId, 0) { Reported = v.Reported };
                zs.Visits.Add(v.TrackId, visit);
                double sinceStart = Math.Max(0, v.SecondsSinceStart), sinceInside = Math.Max(0, v.SecondsSinceInside);
                rebase.Add((_, t) =>
                {
                    visit.Start = t - sinceStart;
                    visit.LastInside = t - sinceInside;
                });
            }
        }

        _rebase = rebase;
    }

    /// <summary>Forgets all tracks, counts and visits, as for a new stream.</summary>
    public void Reset()
    {
        _rebase = null;
        _lastTime = double.NaN;
        _tracks.Clear();
        foreach (var f in _history)
        {
            _spareFrames.Push(f);
        }

        _history.Clear();
        foreach (var zs in _zones)
        {
            zs.Reset();
        }
    }

    private void ObserveTracks(Detections tracks, double t)
    {
        foreach (var memo in _tracks.Values)
        {
            memo.Present = false;
        }

        _present.Clear();
        if (!tracks.HasTrackIds)
        {
            return;
        }

        var boxes = tracks.Boxes;
        var classes = tracks.ClassIds;
        var ids = tracks.TrackIds;
        for (int i = 0; i < tracks.Count; i++)
        {
            if (!_tracks.TryGetValue(ids[i], out var memo))
            {
                memo = new TrackMemo(ids[i], _zones.Length);
                _tracks.Add(ids[i], memo);
            }

            memo.ClassId = classes[i];
            memo.Box = boxes[i];
            memo.LastSeen = t;
            memo.Present = true;
            for (int z = 0; z < _zones.Length; z++)
            {
                var zone = _zones[z].Zone;
                memo.InZone[z] = zone.Accepts(memo.ClassId) && zone.Contains(memo.Box);
            }

            _present.Add(memo);
        }
    }

    /// <summary>Keeps this frame's detections of shelf-counted classes that no track of their class overlaps, for tracing arrivals back.</summary>
    private void RememberUntrackedDetections(Detections tracks, Detections? detections, Mark now)
    {
        int drop = 0;
        while (drop < _history.Count && now.Seconds - _history[drop].At.Seconds > _retainSeconds)
        {
            _spareFrames.Push(_history[drop]);
            drop++;
        }

        _history.RemoveRange(0, drop);
        if (detections is null || ArrivalLookBackSeconds <= 0 || _shelfClasses.Count == 0)
        {
            return;
        }

        var frame = _spareFrames.Count > 0 ? _spareFrames.Pop() : new DetectionFrame();
        frame.At = now;
        frame.Boxes.Clear();
        var boxes = detections.Boxes;
        var classes = detections.ClassIds;
        for (int i = 0; i < detections.Count; i++)
        {
            if (_shelfClasses.Contains(classes[i]) && !OverlapsTrack(tracks, classes[i], boxes[i]))
            {
                frame.Boxes.Add((classes[i], boxes[i]));
            }
        }

        _history.Add(frame);
    }

    private static bool OverlapsTrack(Detections tracks, int classId, BoxF box)
    {
        var boxes = tracks.Boxes;
        var classes = tracks.ClassIds;
        for (int j = 0; j < tracks.Count; j++)
        {
            if (classes[j] == classId && boxes[j].IoU(box) >= TraceIoU)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Traces an arrival back through remembered untracked detections: while the frame before holds a same-class box
    /// standing where the track first stood (IoU at least 0.5 with its first box, anchor inside the zone and within
    /// <see cref="StandingTolerance"/> of the box height of its first anchor), moves the arrival there. An item still
    /// being lowered or carried moves more than that from frame to frame, so the trace stops where it came to rest.
    /// Never before <paramref name="limit"/>.
    /// </summary>
    private Mark TraceArrival(Zone zone, int classId, Mark arrival, BoxF box, double limit)
    {
        limit = Math.Max(limit, arrival.Seconds - ArrivalLookBackSeconds);
        var anchor = zone.AnchorOf(box);
        float maxShift = StandingTolerance * box.Height;
        var earliest = arrival;
        for (int h = _history.Count - 1; h >= 0; h--)
        {
            var f = _history[h];
            if (f.At.Frame >= earliest.Frame)
            {
                continue;
            }

            if (f.At.Seconds < limit)
            {
                break;
            }

            bool standing = false;
            foreach (var (c, b) in f.Boxes)
            {
                if (c == classId && b.IoU(box) >= TraceIoU && zone.Contains(b) && Distance(zone.AnchorOf(b), anchor) <= maxShift)
                {
                    standing = true;
                    break;
                }
            }

            if (!standing)
            {
                break;
            }

            earliest = f.At;
        }

        return earliest;
    }

    private static float Distance(PointF a, PointF b) => MathF.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private void ForgetStaleTracks(double t)
    {
        _scratchIds.Clear();
        foreach (var memo in _tracks.Values)
        {
            if (memo.Present)
            {
                continue;
            }

            if (t - memo.LastSeen > _maxHold || IsSuperseded(memo))
            {
                _scratchIds.Add(memo.Id);
            }
        }

        foreach (int id in _scratchIds)
        {
            _tracks.Remove(id);
        }
    }

    private bool IsSuperseded(TrackMemo missing)
    {
        foreach (var p in _present)
        {
            if (p.ClassId == missing.ClassId && p.Box.IoU(missing.Box) >= SupersedeIoU)
            {
                return true;
            }
        }

        return false;
    }

    private void Debounce(ZoneState zs, ClassState cs, long frameIndex, double t, ref List<ShelfEvent>? events)
    {
        double minStable = zs.Zone.MinStableSeconds;
        if (!cs.Initialized)
        {
            if (cs.Candidate != cs.Raw)
            {
                cs.Candidate = cs.Raw;
                cs.CandidateSince = new Mark(frameIndex, t);
            }

            if (t - cs.CandidateSince.Seconds >= minStable)
            {
                cs.Initialized = true;
                cs.Confirmed = cs.Raw;
                cs.LastEvent = new Mark(frameIndex, t);
                cs.ConfirmMembers();
                cs.Candidate = null;
            }

            return;
        }

        if (cs.Raw == cs.Confirmed)
        {
            // Stable: keep the member list fresh so id switches do not leave stale ids behind.
            cs.Candidate = null;
            cs.ConfirmMembers();
            return;
        }

        if (cs.Candidate != cs.Raw)
        {
            cs.Candidate = cs.Raw;
            cs.CandidateSince = new Mark(frameIndex, t);
        }

        if (t - cs.CandidateSince.Seconds < minStable)
        {
            return;
        }

        int from = cs.Confirmed, to = cs.Raw;
        if (zs.Zone.Kind == ZoneKind.Shelf)
        {
            events ??= [];
            EmitCountEvents(zs.Zone, cs, from, to, new Mark(frameIndex, t), events);
        }

        cs.Confirmed = to;
        cs.Candidate = null;
        cs.ConfirmMembers();
    }

    private void EmitCountEvents(Zone zone, ClassState cs, int from, int to, Mark confirmed, List<ShelfEvent> events)
    {
        string className = CocoClasses.NameOf(cs.ClassId);
        _scratchIds.Clear();
        if (to < from)
        {
            // Who left: confirmed members no longer counted, in the order they left. Ties: items seen elsewhere
            // (lifted, carried) first, then those that vanished, earliest last sighting first.
            foreach (int id in cs.ConfirmedMembers)
            {
                if (!cs.Members.Contains(id))
                {
                    _scratchIds.Add(id);
                }
            }

            _scratchIds.Sort((a, b) =>
            {
                int byTime = StartOf(cs, cs.Departed, a).Seconds.CompareTo(StartOf(cs, cs.Departed, b).Seconds);
                return byTime != 0 ? byTime : DepartureOrder(a).CompareTo(DepartureOrder(b));
            });
            for (int k = 0, count = from; count > to; k++)
            {
                count--;
                int? id = k < _scratchIds.Count ? _scratchIds[k] : null;
                var at = Clamp(cs, id is { } i ? StartOf(cs, cs.Departed, i) : cs.CandidateSince, confirmed);
                events.Add(CountEvent(ShelfEventKind.Taken, zone, cs, className, id, at, confirmed, count));
            }

            if (to == 0)
            {
                events.Add(CountEvent(ShelfEventKind.Empty, zone, cs, className, null, cs.LastEvent, confirmed, 0));
            }
        }
        else
        {
            foreach (int id in cs.Members)
            {
                if (!cs.ConfirmedMembers.Contains(id))
                {
                    _scratchIds.Add(id);
                }
            }

            _scratchIds.Sort((a, b) =>
            {
                int byTime = StartOf(cs, cs.Arrived, a).Seconds.CompareTo(StartOf(cs, cs.Arrived, b).Seconds);
                return byTime != 0 ? byTime : a.CompareTo(b);
            });
            Mark? first = null;
            for (int k = 0, count = from; count < to; k++)
            {
                count++;
                int? id = k < _scratchIds.Count ? _scratchIds[k] : null;
                var at = id is { } i ? StartOf(cs, cs.Arrived, i) : cs.CandidateSince;
                if (id is { } traced && cs.ArrivedBox.TryGetValue(traced, out var box))
                {
                    at = TraceArrival(zone, cs.ClassId, at, box, cs.LastEvent.Seconds);
                }

                at = Clamp(cs, at, confirmed);
                first ??= at;
                events.Add(CountEvent(ShelfEventKind.Returned, zone, cs, className, id, at, confirmed, count));
            }

            if (from == 0)
            {
                events.Add(CountEvent(ShelfEventKind.Restocked, zone, cs, className, null, first ?? cs.LastEvent, confirmed, to));
            }
        }
    }

    /// <summary>When a track's change started (its departure or arrival), or the stable raw count's first frame when not known.</summary>
    private static Mark StartOf(ClassState cs, Dictionary<int, Mark> marks, int id) =>
        marks.TryGetValue(id, out var m) ? m : cs.CandidateSince;

    /// <summary>Keeps a back-dated time between the zone-class's previous event and the confirming frame, and records it as the latest.</summary>
    private static Mark Clamp(ClassState cs, Mark at, Mark confirmed)
    {
        if (at.Seconds < cs.LastEvent.Seconds)
        {
            at = cs.LastEvent;
        }

        if (at.Seconds > confirmed.Seconds)
        {
            at = confirmed;
        }

        cs.LastEvent = at;
        return at;
    }

    private static ShelfEvent CountEvent(ShelfEventKind kind, Zone zone, ClassState cs, string className, int? id, Mark at, Mark confirmed, int count) =>
        new(kind, zone.Name, cs.ClassId, className, id, at.Frame, at.Seconds, count)
        {
            ConfirmedFrameIndex = confirmed.Frame,
            ConfirmedTimestampSeconds = confirmed.Seconds,
        };

    /// <summary>Sort key for departed tracks: present ones first, then vanished by last sighting, then forgotten ones by id.</summary>
    private (int Rank, double LastSeen, int Id) DepartureOrder(int id) =>
        _tracks.TryGetValue(id, out var m) ? (m.Present ? 0 : 1, m.LastSeen, id) : (2, 0, id);

    private void UpdateVisits(ZoneState zs, int z, long frameIndex, double t, ref List<ShelfEvent>? events)
    {
        var zone = zs.Zone;
        double dwell = zone.DwellSeconds ?? double.PositiveInfinity;
        foreach (var memo in _present)
        {
            if (!memo.InZone[z])
            {
                continue;
            }

            if (!zs.Visits.TryGetValue(memo.Id, out var visit))
            {
                visit = new Visit(memo.ClassId, t);
                zs.Visits.Add(memo.Id, visit);
            }

            visit.LastInside = t;
            visit.ClassId = memo.ClassId;
            if (zone.DwellReport == DwellReport.OnThreshold && !visit.Reported && t - visit.Start >= dwell)
            {
                visit.Reported = true;
                events ??= [];
                events.Add(DwellEvent(zs, memo.Id, visit, t - visit.Start, frameIndex, t));
            }
        }

        _scratchIds.Clear();
        foreach (var (id, visit) in zs.Visits)
        {
            if (t - visit.LastInside > zone.HoldSeconds)
            {
                _scratchIds.Add(id);
            }
        }

        _scratchIds.Sort();
        foreach (int id in _scratchIds)
        {
            CloseVisit(zs, id, frameIndex, t, ref events);
        }
    }

    private static void CloseVisit(ZoneState zs, int id, long frameIndex, double t, ref List<ShelfEvent>? events)
    {
        var visit = zs.Visits[id];
        zs.Visits.Remove(id);
        double duration = visit.LastInside - visit.Start;
        if (zs.Zone.DwellReport == DwellReport.OnExit && duration >= (zs.Zone.DwellSeconds ?? double.PositiveInfinity))
        {
            events ??= [];
            events.Add(DwellEvent(zs, id, visit, duration, frameIndex, t));
        }
    }

    private static ShelfEvent DwellEvent(ZoneState zs, int id, Visit visit, double duration, long frameIndex, double t)
    {
        int occupancy = zs.Classes.FirstOrDefault(c => c.ClassId == visit.ClassId)?.Reported ?? 0;
        return new ShelfEvent(ShelfEventKind.Dwell, zs.Zone.Name, visit.ClassId, CocoClasses.NameOf(visit.ClassId), id, frameIndex, t, occupancy, duration);
    }

    /// <summary>What the monitor remembers about one track id.</summary>
    private sealed class TrackMemo(int id, int zoneCount)
    {
        public int Id { get; } = id;

        public int ClassId { get; set; }

        public BoxF Box { get; set; }

        public double LastSeen { get; set; }

        public bool Present { get; set; }

        /// <summary>Per zone: whether the track's anchor was in the zone when last seen.</summary>
        public bool[] InZone { get; } = new bool[zoneCount];
    }

    /// <summary>One zone's per-class counters and open visits.</summary>
    private sealed class ZoneState(Zone zone)
    {
        public Zone Zone { get; } = zone;

        public ClassState[] Classes { get; } = zone.ClassIds.Select(c => new ClassState(c)).ToArray();

        public Dictionary<int, Visit> Visits { get; } = [];

        /// <summary>Fills each class's raw count and members for this frame.</summary>
        public void CountRaw(int z, Detections tracks, IEnumerable<TrackMemo> memos, double t)
        {
            foreach (var cs in Classes)
            {
                cs.Members.Clear();
                cs.PresentMembers.Clear();
                cs.Raw = 0;
            }

            if (tracks.HasTrackIds)
            {
                foreach (var memo in memos)
                {
                    if (memo.InZone[z] && (memo.Present || t - memo.LastSeen <= Zone.HoldSeconds) && Find(memo.ClassId) is { } cs)
                    {
                        cs.Members.Add(memo.Id);
                        if (memo.Present)
                        {
                            cs.PresentMembers.Add(memo.Id);
                        }
                    }
                }

                foreach (var cs in Classes)
                {
                    cs.Raw = cs.Members.Count;
                }
            }
            else
            {
                var boxes = tracks.Boxes;
                var classes = tracks.ClassIds;
                for (int i = 0; i < tracks.Count; i++)
                {
                    if (Find(classes[i]) is { } cs && Zone.Contains(boxes[i]))
                    {
                        cs.Raw++;
                    }
                }
            }
        }

        public void Reset()
        {
            Visits.Clear();
            foreach (var cs in Classes)
            {
                cs.Reset();
            }
        }

        private ClassState? Find(int classId)
        {
            foreach (var cs in Classes)
            {
                if (cs.ClassId == classId)
                {
                    return cs;
                }
            }

            return null;
        }
    }

    /// <summary>Debounce state for one class in one zone.</summary>
    private sealed class ClassState(int classId)
    {
        public int ClassId { get; } = classId;

        public bool Initialized { get; set; }

        public int Confirmed { get; set; }

        /// <summary>The count shown to users: the confirmed count, or during the warm-up the raw count.</summary>
        public int Reported => Initialized ? Confirmed : Raw;

        public int Raw { get; set; }

        public int? Candidate { get; set; }

        /// <summary>First frame of the current <see cref="Candidate"/> raw count.</summary>
        public Mark CandidateSince { get; set; }

        /// <summary>Time of the latest count event (or of the starting count): later events are never dated before it.</summary>
        public Mark LastEvent { get; set; }

        /// <summary>Track ids counted this frame.</summary>
        public HashSet<int> Members { get; } = [];

        /// <summary>Track ids counted this frame that are seen in the zone this frame (not held).</summary>
        public HashSet<int> PresentMembers { get; } = [];

        /// <summary>Track ids behind <see cref="Confirmed"/>.</summary>
        public HashSet<int> ConfirmedMembers { get; } = [];

        /// <summary>Counted or confirmed tracks not seen in the zone now: the first frame they were not (since last seen there).</summary>
        public Dictionary<int, Mark> Departed { get; } = [];

        /// <summary>Counted tracks not yet confirmed: the first frame they were seen in the zone (since they last left it).</summary>
        public Dictionary<int, Mark> Arrived { get; } = [];

        /// <summary>Box of each <see cref="Arrived"/> track in its arrival frame.</summary>
        public Dictionary<int, BoxF> ArrivedBox { get; } = [];

        /// <summary>Updates <see cref="Departed"/> and <see cref="Arrived"/> from this frame's members.</summary>
        public void MarkArrivalsAndDepartures(Mark now, Dictionary<int, TrackMemo> tracks)
        {
            foreach (int id in PresentMembers)
            {
                Departed.Remove(id);
                if (!ConfirmedMembers.Contains(id) && Arrived.TryAdd(id, now))
                {
                    ArrivedBox[id] = tracks[id].Box;
                }
            }

            foreach (int id in Members)
            {
                if (!PresentMembers.Contains(id))
                {
                    Departed.TryAdd(id, now);
                }
            }

            foreach (int id in ConfirmedMembers)
            {
                if (!PresentMembers.Contains(id))
                {
                    Departed.TryAdd(id, now);
                }
            }

            foreach (int id in Arrived.Keys)
            {
                if (!Members.Contains(id))
                {
                    Arrived.Remove(id);
                    ArrivedBox.Remove(id);
                }
            }
        }

        /// <summary>Makes this frame's members the confirmed ones and forgets marks no longer needed.</summary>
        public void ConfirmMembers()
        {
            ConfirmedMembers.Clear();
            ConfirmedMembers.UnionWith(Members);
            foreach (int id in Departed.Keys)
            {
                if (!ConfirmedMembers.Contains(id))
                {
                    Departed.Remove(id);
                }
            }

            foreach (int id in Arrived.Keys)
            {
                if (ConfirmedMembers.Contains(id))
                {
                    Arrived.Remove(id);
                    ArrivedBox.Remove(id);
                }
            }
        }

        public void Reset()
        {
            Initialized = false;
            Confirmed = 0;
            Raw = 0;
            Candidate = null;
            CandidateSince = default;
            LastEvent = default;
            Members.Clear();
            PresentMembers.Clear();
            ConfirmedMembers.Clear();
            Departed.Clear();
            Arrived.Clear();
            ArrivedBox.Clear();
        }
    }

    /// <summary>A frame and its time.</summary>
    private readonly record struct Mark(long Frame, double Seconds);

    /// <summary>One remembered frame's untracked detections of shelf-counted classes.</summary>
    private sealed class DetectionFrame
    {
        public Mark At { get; set; }

        public List<(int ClassId, BoxF Box)> Boxes { get; } = [];
    }

    /// <summary>One track's stay in an area zone.</summary>
    private sealed class Visit(int classId, double start)
    {
        public int ClassId { get; set; } = classId;

        public double Start { get; set; } = start;

        public double LastInside { get; set; } = start;

        public bool Reported { get; set; }
    }
}
