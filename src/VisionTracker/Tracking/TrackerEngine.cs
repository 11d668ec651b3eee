using System.Numerics.Tensors;
using VisionTracker.Detection;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// The shared lifecycle of <see cref="CrossAttentionTracker"/> and <see cref="IouTracker"/> (DESIGN.md's seven steps);
/// they differ only in the first association stage: cross-attention, or ByteTrack's score-fused IoU.
/// </summary>
internal sealed class TrackerEngine
{
    private readonly TrackerOptions _options;
    private readonly AttentionMatcher? _matcher;
    private readonly LinearAssignment _lap = new();
    private readonly List<Track> _tracks = [];
    private readonly List<int> _high = [];
    private readonly List<int> _low = [];
    private readonly List<Track> _pool = [];
    private readonly List<Track> _rest = [];
    private bool[] _detUsed = [];
    private float[] _maxOverlap = [];
    private float[] _cost = [];
    private float[] _rawHigh = [];
    private float[] _trackEmb = [];
    private BoxF[] _boxes = [];
    private BoxF[] _trackBoxes = [];
    private int[] _classes = [];
    private int[] _trackClasses = [];
    private float[] _unseen = [];
    private bool[] _lost = [];
    private float[] _keyEmb = [];
    private readonly List<Track> _queries = [];
    private readonly List<int> _keys = [];
    private int[] _highOf = [];
    private bool[] _pairAllowed = [];
    private float[] _appearance = [];
    private readonly List<LateTrackBox> _late = [];
    private int _nextId = 1;
    private double _lastTime = double.NaN;
    private bool _firstFrame = true;
    private List<(Track Track, double SecondsUnseen)>? _restored;

    /// <summary>Creates an engine; <paramref name="attention"/> selects the cross-attention first stage.</summary>
    public TrackerEngine(TrackerOptions options, bool attention)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _matcher = attention ? new AttentionMatcher(options) : null;
    }

    /// <summary>Live tracks (not removed), in id order.</summary>
    public IReadOnlyList<Track> Tracks => _tracks;

    /// <summary>Forgets every track, the running embedding mean and the clock; ids restart at 1.</summary>
    public void Reset()
    {
        _tracks.Clear();
        _late.Clear();
        _matcher?.Reset();
        _nextId = 1;
        _lastTime = double.NaN;
        _firstFrame = true;
        _restored = null;
    }

    /// <summary>Captures the confirmed and lost tracks, the next id and the embedding mean; see <see cref="TrackerSnapshot"/>.</summary>
    public TrackerSnapshot Capture()
    {
        var tracks = new List<TrackSnapshot>();
        foreach (Track t in _tracks)
        {
            if (t.State is not (TrackState.Confirmed or TrackState.Lost))
            {
                continue;
            }

            BoxF b = t.LastBox;
            tracks.Add(new TrackSnapshot
            {
                Id = t.Id,
                ClassId = t.ClassId,
                X1 = b.X1,
                Y1 = b.Y1,
                X2 = b.X2,
                Y2 = b.Y2,
                Score = t.LastScore,
                Lost = t.State == TrackState.Lost,
                SecondsUnseen = double.IsNaN(_lastTime) ? 0 : Math.Max(0, _lastTime - t.LastSeenSeconds),
                Embedding = t.HasEmbedding ? t.Embedding.ToArray() : null,
            });
        }

        // Restored tracks not yet rebased (no frame since the restore) keep their snapshot ages.
        if (_restored is not null)
        {
            for (int i = 0; i < tracks.Count; i++)
            {
                int id = tracks[i].Id;
                var r = _restored.Find(x => x.Track.Id == id);
                if (r.Track is not null)
                {
                    tracks[i] = tracks[i] with { SecondsUnseen = r.SecondsUnseen };
                }
            }
        }

        return new TrackerSnapshot { NextId = _nextId, Tracks = tracks, EmbeddingCenter = _matcher?.CopyCenter() };
    }

    /// <summary>Replaces the state with a snapshot; see <see cref="IRestorableTracker.Restore"/>.</summary>
    public void Restore(TrackerSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Reset();
        int next = Math.Max(1, snapshot.NextId);
        _restored = [];
        foreach (TrackSnapshot ts in snapshot.Tracks.OrderBy(t => t.Id))
        {
            if (ts.Id < 1 || _tracks.Exists(t => t.Id == ts.Id) || !(ts.X2 > ts.X1 && ts.Y2 > ts.Y1))
            {
                continue;
            }

            Track t = Track.Restore(ts, _options.EmbeddingGallerySize);
            _tracks.Add(t);
            _restored.Add((t, Math.Max(0, ts.SecondsUnseen)));
            next = Math.Max(next, ts.Id + 1);
        }

        _nextId = next;
        _matcher?.RestoreCenter(snapshot.EmbeddingCenter);

        // The stream continues: the first frame after a restore is not a stream start.
        _firstFrame = false;
    }

    /// <summary>
    /// Camera-motion compensation: moves every live track's Kalman state by <paramref name="previousToCurrent"/> (the
    /// camera motion from the last frame given to <see cref="Update"/> to the next one). Call it before that next
    /// <see cref="Update"/>; the identity changes nothing.
    /// </summary>
    public void ApplyCameraMotion(in Affine2 previousToCurrent)
    {
        if (previousToCurrent.IsIdentity)
        {
            return;
        }

        foreach (Track t in _tracks)
        {
            t.WarpCamera(previousToCurrent);
        }
    }

    /// <summary>Runs one frame; see <see cref="ITracker.Update"/>.</summary>
    public Detections Update(Detections dets, double time)
    {
        ArgumentNullException.ThrowIfNull(dets);
        if (!double.IsFinite(time))
        {
            throw new ArgumentException("The timestamp must be a finite number of seconds.", nameof(time));
        }

        // A restored tracker's clock starts at its first frame (the takeover gap is not time unseen).
        if (_restored is not null)
        {
            foreach (var (t, unseen) in _restored)
            {
                t.Rebase(time - unseen);
            }

            _restored = null;
        }

        // 1. Kalman prediction for every live track, in reference steps since the last frame.
        double dt = double.IsNaN(_lastTime) ? 0 : Math.Max(0, time - _lastTime);
        _lastTime = time;
        foreach (Track t in _tracks)
        {
            t.Predict(dt * _options.KalmanReferenceFps);
        }

        // 2. Split detections into high and low.
        int n = dets.Count;
        ReadOnlySpan<float> scores = dets.Scores;
        ReadOnlySpan<BoxF> boxes = dets.Boxes;
        ReadOnlySpan<int> classes = dets.ClassIds;
        _high.Clear();
        _low.Clear();
        for (int i = 0; i < n; i++)
        {
            if (scores[i] >= _options.HighScore)
            {
                _high.Add(i);
            }
            else if (scores[i] >= _options.LowScore)
            {
                _low.Add(i);
            }
        }

        Grow(ref _detUsed, n);
        Array.Clear(_detUsed, 0, n);
        ComputeOverlaps(boxes);

        // Centre and normalise the high detections' embeddings once; EMA updates use this space.
        int dim = dets.HasEmbeddings && _matcher is not null ? dets.EmbeddingDim : 0;
        ReadOnlySpan<float> highEmb = PrepareEmbeddings(dets, dim);
        Grow(ref _highOf, n);
        for (int k = 0; k < _high.Count; k++)
        {
            _highOf[_high[k]] = k;
        }

        // 3. First stage: confirmed and lost tracks against high detections.
        _pool.Clear();
        foreach (Track t in _tracks)
        {
            if (t.State is TrackState.Confirmed or TrackState.Lost)
            {
                _pool.Add(t);
            }
        }

        bool useAttention = _matcher is not null && (dim > 0 || _options.AttentionWithoutEmbeddings);
        if (useAttention)
        {
            AttentionStage(dets, dim, highEmb, time);
        }
        else
        {
            IouStage(_pool, _high, boxes, classes, scores, 1f - _options.FirstStageMinIou, fuseScore: true, dets, highEmb, dim, time, _options.MahalanobisGate);
        }

        // 4. Second stage: still-unmatched confirmed tracks against low detections by IoU.
        _rest.Clear();
        foreach (Track t in _pool)
        {
            if (!t.MatchedThisFrame && t.State == TrackState.Confirmed)
            {
                _rest.Add(t);
            }
        }

        IouStage(_rest, _low, boxes, classes, scores, 1f - _options.SecondStageMinIou, fuseScore: false, dets, default, 0, time);
        foreach (Track t in _rest)
        {
            if (!t.MatchedThisFrame)
            {
                t.MarkLost();
            }
        }

        // 5. Tentative tracks against the remaining high detections by IoU.
        _rest.Clear();
        foreach (Track t in _tracks)
        {
            if (t.State == TrackState.Tentative)
            {
                _rest.Add(t);
            }
        }

        RemoveUsed(_high);
        IouStage(_rest, _high, boxes, classes, scores, 1f - _options.TentativeMinIou, fuseScore: true, dets, highEmb, dim, time);
        foreach (Track t in _rest)
        {
            if (!t.MatchedThisFrame)
            {
                t.MarkRemoved();
            }
        }

        // 7. Lost tracks expire after lost_seconds; unmatched high detections start tracks.
        foreach (Track t in _tracks)
        {
            if (t.State == TrackState.Lost && time - t.LastSeenSeconds > _options.LostSeconds)
            {
                t.MarkRemoved();
            }
        }

        _tracks.RemoveAll(static t => t.State == TrackState.Removed);
        bool confirmAtOnce = (_firstFrame && _options.ConfirmOnFirstFrame) || _options.ConfirmHits <= 1;
        float birthScore = _options.TentativeBirthScore > 0f ? MathF.Min(_options.TentativeBirthScore, _options.NewTrackScore) : _options.NewTrackScore;
        foreach (int d in _high)
        {
            if (!_detUsed[d] && scores[d] >= birthScore && !DuplicatesMatchedTrack(boxes[d], classes[d]))
            {
                ReadOnlySpan<float> e = dim > 0 ? highEmb.Slice(_highOf[d] * dim, dim) : default;
                bool confirmed = confirmAtOnce && scores[d] >= _options.NewTrackScore;
                _tracks.Add(Track.Start(_nextId++, classes[d], boxes[d], scores[d], time, confirmed, d, e, _options.BackfillTentative, _options.EmbeddingGallerySize));
                _detUsed[d] = true;
            }
        }

        RemoveDuplicateTracks();

        _firstFrame = false;
        return Output(dets);
    }

    /// <summary>Moves the late (backfilled) boxes collected since the last call into <paramref name="into"/>.</summary>
    public void DrainLateBoxes(List<LateTrackBox> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.AddRange(_late);
        _late.Clear();
    }

    /// <summary>Whether <paramref name="box"/> overlaps a box matched to a live track this frame by more than <see cref="TrackerOptions.DuplicateBirthIou"/>.</summary>
    private bool DuplicatesMatchedTrack(in BoxF box, int cls)
    {
        float limit = _options.DuplicateBirthIou;
        if (limit <= 0f)
        {
            return false;
        }

        foreach (Track t in _tracks)
        {
            if (t.MatchedThisFrame && t.ClassId == cls && t.State != TrackState.Removed && t.LastBox.IoU(box) > limit)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Of two confirmed tracks matched this frame whose boxes overlap by more than
    /// <see cref="TrackerOptions.DuplicateTrackIou"/>, removes the younger (fewer frames since it started; ties: the
    /// later id), as ByteTrack's <c>remove_duplicate_stracks</c> keeps the longer history.
    /// </summary>
    private void RemoveDuplicateTracks()
    {
        float limit = _options.DuplicateTrackIou;
        if (limit <= 0f)
        {
            return;
        }

        bool any = false;
        for (int a = 0; a < _tracks.Count; a++)
        {
            Track ta = _tracks[a];
            if (ta.State != TrackState.Confirmed || !ta.MatchedThisFrame)
            {
                continue;
            }

            for (int b = a + 1; b < _tracks.Count; b++)
            {
                Track tb = _tracks[b];
                if (tb.State != TrackState.Confirmed || !tb.MatchedThisFrame || tb.ClassId != ta.ClassId || ta.LastBox.IoU(tb.LastBox) <= limit)
                {
                    continue;
                }

                Track younger = tb.Age < ta.Age || (tb.Age == ta.Age && tb.Id > ta.Id) ? tb : ta;
                younger.MarkRemoved();
                any = true;
                if (younger == ta)
                {
                    break;
                }
            }
        }

        if (any)
        {
            _tracks.RemoveAll(static t => t.State == TrackState.Removed);
        }
    }

    /// <summary>
    /// Step 3 with cross-attention: queries are the pool's tracks, keys the high detections. With
    /// <see cref="TrackerOptions.MatchLostAfterConfirmed"/>, tracks matched last frame attend first and lost tracks then
    /// attend to the detections left over (DeepSORT's matching cascade), so a lost track re-found by appearance never
    /// takes a detection from a track that is following it.
    /// </summary>
    private void AttentionStage(Detections dets, int dim, ReadOnlySpan<float> highEmb, double time)
    {
        if (!_options.MatchLostAfterConfirmed)
        {
            AttentionPass(_pool, dets, dim, highEmb, time);
            return;
        }

        _queries.Clear();
        foreach (Track t in _pool)
        {
            if (t.State != TrackState.Lost)
            {
                _queries.Add(t);
            }
        }

        AttentionPass(_queries, dets, dim, highEmb, time);
        _queries.Clear();
        foreach (Track t in _pool)
        {
            if (t.State == TrackState.Lost)
            {
                _queries.Add(t);
            }
        }

        AttentionPass(_queries, dets, dim, highEmb, time);
    }

    /// <summary>One attention assignment of <paramref name="queries"/> against the still-unused high detections.</summary>
    private void AttentionPass(List<Track> queries, Detections dets, int dim, ReadOnlySpan<float> highEmb, double time)
    {
        _keys.Clear();
        foreach (int d in _high)
        {
            if (!_detUsed[d])
            {
                _keys.Add(d);
            }
        }

        int t = queries.Count, h = _keys.Count;
        if (t == 0 || h == 0)
        {
            return;
        }

        Grow(ref _trackBoxes, t);
        Grow(ref _trackClasses, t);
        Grow(ref _unseen, t);
        Grow(ref _lost, t);
        Grow(ref _trackEmb, t * dim);
        Grow(ref _keyEmb, h * dim);
        Grow(ref _boxes, h);
        Grow(ref _classes, h);
        for (int i = 0; i < t; i++)
        {
            Track tr = queries[i];
            _trackBoxes[i] = tr.PredictedBox;
            _trackClasses[i] = tr.ClassId;
            _unseen[i] = (float)(time - tr.LastSeenSeconds);
            _lost[i] = tr.State == TrackState.Lost;
            if (dim > 0)
            {
                Span<float> dst = _trackEmb.AsSpan(i * dim, dim);
                if (tr.Embedding.Length == dim)
                {
                    tr.Embedding.CopyTo(dst);
                }
                else
                {
                    dst.Clear();
                }
            }
        }

        ReadOnlySpan<BoxF> boxes = dets.Boxes;
        ReadOnlySpan<int> classes = dets.ClassIds;
        for (int k = 0; k < h; k++)
        {
            int d = _keys[k];
            _boxes[k] = boxes[d];
            _classes[k] = classes[d];
            if (dim > 0)
            {
                highEmb.Slice(_highOf[d] * dim, dim).CopyTo(_keyEmb.AsSpan(k * dim, dim));
            }
        }

        ReadOnlySpan<bool> allowed = default;
        if (_options.MahalanobisGate)
        {
            Grow(ref _pairAllowed, t * h);
            for (int i = 0; i < t; i++)
            {
                KalmanState ks = queries[i].Kalman;
                for (int k = 0; k < h; k++)
                {
                    _pairAllowed[(i * h) + k] = KalmanBoxFilter.GatingDistance(ks, _boxes[k]) <= KalmanBoxFilter.ChiSquare95Dof4;
                }
            }

            allowed = _pairAllowed.AsSpan(0, t * h);
        }

        ReadOnlySpan<float> appearance = default;
        if (dim > 0 && _options.EmbeddingGallerySize > 0)
        {
            Grow(ref _appearance, t * h);
            for (int i = 0; i < t; i++)
            {
                Track tr = queries[i];
                ReadOnlySpan<float> ema = _trackEmb.AsSpan(i * dim, dim);
                for (int k = 0; k < h; k++)
                {
                    ReadOnlySpan<float> e = _keyEmb.AsSpan(k * dim, dim);
                    float best = TensorPrimitives.Dot(ema, e);
                    if (tr.Embedding.Length == dim)
                    {
                        for (int g = 0; g < tr.GalleryCount; g++)
                        {
                            best = MathF.Max(best, TensorPrimitives.Dot(tr.GalleryItem(g), e));
                        }
                    }

                    _appearance[(i * h) + k] = best;
                }
            }

            appearance = _appearance.AsSpan(0, t * h);
        }

        AssignmentResult r = _matcher!.Match(
            _trackEmb.AsSpan(0, t * dim), _trackBoxes.AsSpan(0, t), _trackClasses.AsSpan(0, t), _unseen.AsSpan(0, t),
            _keyEmb.AsSpan(0, h * dim), _boxes.AsSpan(0, h), _classes.AsSpan(0, h), dim, _lap, _lost.AsSpan(0, t), allowed, appearance);
        foreach ((int row, int col) in r.Matches)
        {
            int d = _keys[col];
            if (_options.KeepOwnLowDetection && PrefersOwnLowDetection(queries[row], boxes[d], dets.Scores[d], dets))
            {
                continue;
            }

            ApplyMatch(queries[row], d, dets, dim > 0 ? highEmb.Slice(_highOf[d] * dim, dim) : default, time);
        }
    }

    /// <summary>
    /// Whether a track that is not lost overlaps an unused low detection of its class by at least
    /// <see cref="TrackerOptions.SecondStageMinIou"/> and by more than the high detection attention gave it: its own
    /// object is then still there with a low score, and the second stage continues it instead.
    /// </summary>
    private bool PrefersOwnLowDetection(Track track, in BoxF high, float highScore, Detections dets)
    {
        BoxF pred = track.PredictedBox;
        float attention = pred.IoU(high);
        if (track.State == TrackState.Lost || attention * highScore >= _options.FirstStageMinIou)
        {
            return false;
        }

        ReadOnlySpan<BoxF> boxes = dets.Boxes;
        ReadOnlySpan<int> classes = dets.ClassIds;
        foreach (int d in _low)
        {
            if (!_detUsed[d] && classes[d] == track.ClassId)
            {
                float iou = pred.IoU(boxes[d]);
                if (iou >= _options.SecondStageMinIou && iou > attention)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>An IoU stage (ByteTrack): cost 1 − IoU (× score when fused), class-gated, solved with a threshold.</summary>
    private void IouStage(List<Track> tracks, List<int> detIdx, ReadOnlySpan<BoxF> boxes, ReadOnlySpan<int> classes, ReadOnlySpan<float> scores, float maxCost, bool fuseScore, Detections dets, ReadOnlySpan<float> highEmb, int dim, double time, bool mahalanobis = false)
    {
        int t = tracks.Count, m = detIdx.Count;
        if (t == 0 || m == 0)
        {
            return;
        }

        Grow(ref _cost, t * m);
        for (int i = 0; i < t; i++)
        {
            Track tr = tracks[i];
            BoxF pb = tr.PredictedBox;
            for (int j = 0; j < m; j++)
            {
                int d = detIdx[j];
                float c;
                if (_detUsed[d] || classes[d] != tr.ClassId
                    || (mahalanobis && KalmanBoxFilter.GatingDistance(tr.Kalman, boxes[d]) > KalmanBoxFilter.ChiSquare95Dof4))
                {
                    c = float.PositiveInfinity;
                }
                else
                {
                    float iou = pb.IoU(boxes[d]);
                    c = iou <= 0f ? float.PositiveInfinity : 1f - (fuseScore ? iou * scores[d] : iou);
                }

                _cost[(i * m) + j] = c;
            }
        }

        AssignmentResult r = _lap.Solve(_cost.AsSpan(0, t * m), t, m, maxCost);
        foreach ((int row, int col) in r.Matches)
        {
            int d = detIdx[col];
            ReadOnlySpan<float> e = dim > 0 ? highEmb.Slice(_highOf[d] * dim, dim) : default;
            ApplyMatch(tracks[row], d, dets, e, time);
        }
    }

    /// <summary>Step 6: Kalman update, and the embedding EMA only from confident, unoccluded detections.</summary>
    private void ApplyMatch(Track track, int d, Detections dets, ReadOnlySpan<float> embedding, double time)
    {
        float score = dets.Scores[d];
        bool clean = score >= _options.EmbeddingUpdateMinScore && _maxOverlap[d] <= _options.EmbeddingUpdateMaxOverlap;
        bool seed = !track.HasEmbedding && !embedding.IsEmpty;
        float momentum = _options.EmbeddingMomentum;
        if (_options.ConfidenceWeightedEmbedding)
        {
            // Deep OC-SORT: α = α_f + (1 − α_f)·(1 − (s − σ)/(1 − σ)); a score at σ keeps the memory, 1 updates by 1 − α_f.
            float sigma = _options.EmbeddingUpdateMinScore;
            float trust = sigma < 1f ? Math.Clamp((score - sigma) / (1f - sigma), 0f, 1f) : 1f;
            momentum += (1f - momentum) * (1f - trust);
        }

        bool wasTentative = track.State == TrackState.Tentative;
        track.Update(dets.Boxes[d], score, time, d, embedding, clean || seed, momentum, _options.ConfirmHits, _options.EmbeddingGallerySize, _options.TentativeBirthScore > 0f ? _options.NewTrackScore : 0f);
        if (wasTentative && track.State == TrackState.Confirmed && track.TentativeBoxes.Count > 0)
        {
            foreach (var (t, b, sc) in track.TentativeBoxes)
            {
                _late.Add(new LateTrackBox(t, track.Id, b, sc, track.ClassId));
            }

            track.ClearTentativeBoxes();
        }

        _detUsed[d] = true;
    }

    private ReadOnlySpan<float> PrepareEmbeddings(Detections dets, int dim)
    {
        int h = _high.Count;
        if (dim == 0 || h == 0 || _matcher is null)
        {
            return default;
        }

        Grow(ref _rawHigh, h * dim);
        for (int k = 0; k < h; k++)
        {
            dets.Embedding(_high[k]).CopyTo(_rawHigh.AsSpan(k * dim, dim));
        }

        return _matcher.PrepareDetectionEmbeddings(_rawHigh.AsSpan(0, h * dim), h, dim);
    }

    /// <summary>For each detection kept this frame, its largest IoU with another kept detection (occlusion proxy).</summary>
    private void ComputeOverlaps(ReadOnlySpan<BoxF> boxes)
    {
        int n = boxes.Length;
        Grow(ref _maxOverlap, n);
        Array.Clear(_maxOverlap, 0, n);
        for (int a = 0; a < _high.Count + _low.Count; a++)
        {
            int i = a < _high.Count ? _high[a] : _low[a - _high.Count];
            for (int b = a + 1; b < _high.Count + _low.Count; b++)
            {
                int j = b < _high.Count ? _high[b] : _low[b - _high.Count];
                float iou = boxes[i].IoU(boxes[j]);
                _maxOverlap[i] = MathF.Max(_maxOverlap[i], iou);
                _maxOverlap[j] = MathF.Max(_maxOverlap[j], iou);
            }
        }
    }

    private void RemoveUsed(List<int> idx) => idx.RemoveAll(d => _detUsed[d]);

    /// <summary>Confirmed tracks matched this frame, in detection order, with their ids.</summary>
    private Detections Output(Detections dets)
    {
        int count = 0;
        foreach (Track t in _tracks)
        {
            if (t.State == TrackState.Confirmed && t.MatchedThisFrame)
            {
                count++;
            }
        }

        Span<int> idByDet = dets.Count <= 1024 ? stackalloc int[dets.Count] : new int[dets.Count];
        idByDet.Clear();
        BoxF[]? smoothed = _options.OutputKalmanBoxes && count > 0 ? new BoxF[dets.Count] : null;
        foreach (Track t in _tracks)
        {
            if (t.State == TrackState.Confirmed && t.MatchedThisFrame)
            {
                idByDet[t.MatchedDetection] = t.Id;
                if (smoothed is not null)
                {
                    smoothed[t.MatchedDetection] = t.PredictedBox;
                }
            }
        }

        var boxes = new BoxF[count];
        var scores = new float[count];
        var classes = new int[count];
        var ids = new int[count];
        int k = 0;
        for (int d = 0; d < dets.Count; d++)
        {
            if (idByDet[d] != 0)
            {
                boxes[k] = smoothed is null ? dets.Boxes[d] : smoothed[d];
                scores[k] = dets.Scores[d];
                classes[k] = dets.ClassIds[d];
                ids[k++] = idByDet[d];
            }
        }

        return new Detections(boxes, scores, classes, trackIds: ids);
    }

    private static void Grow<T>(ref T[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new T[Math.Max(size, buffer.Length * 2)];
        }
    }
}
