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

    private readonly ZoneState[] _zones;
    private readonly Dictionary<int, TrackMemo> _tracks = [];
    private readonly List<int> _scratchIds = [];
    private readonly List<TrackMemo> _present = [];
    private readonly double _maxHold;

    /// <summary>Creates a monitor over <paramref name="zones"/>.</summary>
    /// <param name="zones">Zones with unique names (as <see cref="ZoneFile.Load(string, int, int)"/> returns them).</param>
    /// <param name="supersedeIoU">A held (missing) track is dropped when a present track of its class overlaps its last box by at least this IoU.</param>
    /// <exception cref="ArgumentException">Duplicate zone names, or <paramref name="supersedeIoU"/> outside (0, 1].</exception>
    public ZoneMonitor(IReadOnlyList<Zone> zones, float supersedeIoU = DefaultSupersedeIoU)
    {
        ArgumentNullException.ThrowIfNull(zones);
        if (!(supersedeIoU > 0f && supersedeIoU <= 1f))
        {
            throw new ArgumentException($"supersedeIoU must be in (0, 1]; got {supersedeIoU}.", nameof(supersedeIoU));
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
    }

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
    public IReadOnlyList<ShelfEvent> Update(Detections tracks, long frameIndex, double timestampSeconds)
    {
        ArgumentNullException.ThrowIfNull(tracks);
        if (!double.IsFinite(timestampSeconds))
        {
            throw new ArgumentException($"Frame {frameIndex}: timestamp {timestampSeconds} is not finite.", nameof(timestampSeconds));
        }

        double t = timestampSeconds;
        List<ShelfEvent>? events = null;

        ObserveTracks(tracks, t);
        ForgetStaleTracks(t);

        for (int z = 0; z < _zones.Length; z++)
        {
            var zs = _zones[z];
            zs.CountRaw(z, tracks, _tracks.Values, t);
            foreach (var cs in zs.Classes)
            {
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

    /// <summary>Forgets all tracks, counts and visits, as for a new stream.</summary>
    public void Reset()
    {
        _tracks.Clear();
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
                cs.CandidateSince = t;
            }

            if (t - cs.CandidateSince >= minStable)
            {
                cs.Initialized = true;
                cs.Confirmed = cs.Raw;
                cs.ConfirmedMembers.Clear();
                cs.ConfirmedMembers.UnionWith(cs.Members);
                cs.Candidate = null;
            }

            return;
        }

        if (cs.Raw == cs.Confirmed)
        {
            // Stable: keep the member list fresh so id switches do not leave stale ids behind.
            cs.Candidate = null;
            cs.ConfirmedMembers.Clear();
            cs.ConfirmedMembers.UnionWith(cs.Members);
            return;
        }

        if (cs.Candidate != cs.Raw)
        {
            cs.Candidate = cs.Raw;
            cs.CandidateSince = t;
        }

        if (t - cs.CandidateSince < minStable)
        {
            return;
        }

        int from = cs.Confirmed, to = cs.Raw;
        if (zs.Zone.Kind == ZoneKind.Shelf)
        {
            events ??= [];
            EmitCountEvents(zs.Zone, cs, from, to, frameIndex, t, events);
        }

        cs.Confirmed = to;
        cs.Candidate = null;
        cs.ConfirmedMembers.Clear();
        cs.ConfirmedMembers.UnionWith(cs.Members);
    }

    private void EmitCountEvents(Zone zone, ClassState cs, int from, int to, long frameIndex, double t, List<ShelfEvent> events)
    {
        string className = CocoClasses.NameOf(cs.ClassId);
        _scratchIds.Clear();
        if (to < from)
        {
            // Who left: confirmed members no longer counted. Items seen elsewhere (lifted, carried) come first,
            // then those that vanished, earliest last sighting first.
            foreach (int id in cs.ConfirmedMembers)
            {
                if (!cs.Members.Contains(id))
                {
                    _scratchIds.Add(id);
                }
            }

            _scratchIds.Sort((a, b) => DepartureOrder(a).CompareTo(DepartureOrder(b)));
            for (int k = 0, count = from; count > to; k++)
            {
                count--;
                int? id = k < _scratchIds.Count ? _scratchIds[k] : null;
                events.Add(new ShelfEvent(ShelfEventKind.Taken, zone.Name, cs.ClassId, className, id, frameIndex, t, count));
            }

            if (to == 0)
            {
                events.Add(new ShelfEvent(ShelfEventKind.Empty, zone.Name, cs.ClassId, className, null, frameIndex, t, 0));
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

            _scratchIds.Sort();
            for (int k = 0, count = from; count < to; k++)
            {
                count++;
                int? id = k < _scratchIds.Count ? _scratchIds[k] : null;
                events.Add(new ShelfEvent(ShelfEventKind.Returned, zone.Name, cs.ClassId, className, id, frameIndex, t, count));
            }

            if (from == 0)
            {
                events.Add(new ShelfEvent(ShelfEventKind.Restocked, zone.Name, cs.ClassId, className, null, frameIndex, t, to));
            }
        }
    }

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
                cs.Raw = 0;
            }

            if (tracks.HasTrackIds)
            {
                foreach (var memo in memos)
                {
                    if (memo.InZone[z] && (memo.Present || t - memo.LastSeen <= Zone.HoldSeconds) && Find(memo.ClassId) is { } cs)
                    {
                        cs.Members.Add(memo.Id);
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

        public double CandidateSince { get; set; }

        /// <summary>Track ids counted this frame.</summary>
        public HashSet<int> Members { get; } = [];

        /// <summary>Track ids behind <see cref="Confirmed"/>.</summary>
        public HashSet<int> ConfirmedMembers { get; } = [];

        public void Reset()
        {
            Initialized = false;
            Confirmed = 0;
            Raw = 0;
            Candidate = null;
            CandidateSince = 0;
            Members.Clear();
            ConfirmedMembers.Clear();
        }
    }

    /// <summary>One track's stay in an area zone.</summary>
    private sealed class Visit(int classId, double start)
    {
        public int ClassId { get; set; } = classId;

        public double Start { get; } = start;

        public double LastInside { get; set; } = start;

        public bool Reported { get; set; }
    }
}
