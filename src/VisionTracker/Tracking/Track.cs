using System.Numerics.Tensors;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// One track's small explicit state: id, class, lifecycle state, Kalman state, embedding memory, hits and age, and the
/// last matched box and score. State changes only through the methods (ByteTrack's <c>STrack</c> habit).
/// </summary>
internal sealed class Track
{
    private KalmanState _kalman;
    private float[] _embedding;
    private float[] _gallery = [];
    private int _galleryCount;
    private int _galleryNext;
    private List<(double Time, BoxF Box, float Score)>? _tentativeBoxes;

    private Track(int id, int classId, in BoxF box, float score, double time, TrackState state)
    {
        Id = id;
        ClassId = classId;
        State = state;
        _kalman = KalmanBoxFilter.Initiate(box);
        _embedding = [];
        Hits = 1;
        LastBox = box;
        LastScore = score;
        LastSeenSeconds = time;
        MatchedThisFrame = true;
    }

    /// <summary>Track id, from 1.</summary>
    public int Id { get; }

    /// <summary>Class of the detections it follows (association never crosses classes).</summary>
    public int ClassId { get; }

    /// <summary>Lifecycle state.</summary>
    public TrackState State { get; private set; }

    /// <summary>Number of matched detections.</summary>
    public int Hits { get; private set; }

    /// <summary>Frames since the track started.</summary>
    public int Age { get; private set; }

    /// <summary>Timestamp of the last match, in seconds.</summary>
    public double LastSeenSeconds { get; private set; }

    /// <summary>The last matched detection box.</summary>
    public BoxF LastBox { get; private set; }

    /// <summary>The last matched detection score.</summary>
    public float LastScore { get; private set; }

    /// <summary>Index of the detection matched this frame in the frame's batch, or −1.</summary>
    public int MatchedDetection { get; private set; } = -1;

    /// <summary>Whether the track was matched (or started) in the current frame.</summary>
    public bool MatchedThisFrame { get; private set; }

    /// <summary>Kalman-predicted box for the current frame.</summary>
    public BoxF PredictedBox => _kalman.Box;

    /// <summary>Whether an embedding memory exists (some matched detection carried one).</summary>
    public bool HasEmbedding => _embedding.Length > 0;

    /// <summary>Embedding EMA in the matcher's centred, unit-norm space; empty when none.</summary>
    public ReadOnlySpan<float> Embedding => _embedding;

    /// <summary>Number of embeddings in the gallery (see <see cref="TrackerOptions.EmbeddingGallerySize"/>).</summary>
    public int GalleryCount => _galleryCount;

    /// <summary>Gallery embedding <paramref name="k"/> (0 ≤ k &lt; <see cref="GalleryCount"/>), same space as <see cref="Embedding"/>.</summary>
    public ReadOnlySpan<float> GalleryItem(int k) => _gallery.AsSpan(k * _embedding.Length, _embedding.Length);

    /// <summary>Boxes matched while tentative (kept only when asked for at <see cref="Start"/>); empty otherwise.</summary>
    public IReadOnlyList<(double Time, BoxF Box, float Score)> TentativeBoxes => (IReadOnlyList<(double Time, BoxF Box, float Score)>?)_tentativeBoxes ?? [];

    /// <summary>The highest detection score matched to this track so far (its birth score included).</summary>
    public float PeakScore { get; private set; }

    /// <summary>The Kalman state (read-only, for tests and diagnostics).</summary>
    public KalmanState Kalman => _kalman;

    /// <summary>Starts a track from a detection.</summary>
    public static Track Start(int id, int classId, in BoxF box, float score, double time, bool confirmed, int detectionIndex, ReadOnlySpan<float> embedding, bool keepTentativeBoxes = false, int gallerySize = 0)
    {
        var t = new Track(id, classId, box, score, time, confirmed ? TrackState.Confirmed : TrackState.Tentative) { MatchedDetection = detectionIndex, PeakScore = score };
        if (!embedding.IsEmpty)
        {
            t._embedding = embedding.ToArray();
            t.AddToGallery(embedding, gallerySize);
        }

        if (keepTentativeBoxes && !confirmed)
        {
            t._tentativeBoxes = [(time, box, score)];
        }

        return t;
    }

    /// <summary>
    /// Brings back a track from a <see cref="TrackSnapshot"/> as a lost track at its last box (Kalman state started
    /// there), with its embedding memory. Its last-seen time is set by <see cref="Rebase"/> at the first frame.
    /// </summary>
    public static Track Restore(TrackSnapshot s, int gallerySize)
    {
        var box = new BoxF(s.X1, s.Y1, s.X2, s.Y2);
        var t = new Track(s.Id, s.ClassId, box, s.Score, 0, TrackState.Lost) { MatchedThisFrame = false, Hits = 2, PeakScore = s.Score };
        if (s.Embedding is { Length: > 0 } e)
        {
            t._embedding = (float[])e.Clone();
            t.AddToGallery(e, gallerySize);
        }

        return t;
    }

    /// <summary>Sets the time of the last match (for a restored track, at the first frame after the restore).</summary>
    public void Rebase(double lastSeenSeconds) => LastSeenSeconds = lastSeenSeconds;

    /// <summary>Starts a new frame: advances the Kalman state by <paramref name="steps"/> reference steps.</summary>
    public void Predict(double steps)
    {
        MatchedThisFrame = false;
        MatchedDetection = -1;
        Age++;
        // Like ByteTrack, a lost track keeps its centre velocity but stops changing size.
        if (State == TrackState.Lost)
        {
            KalmanBoxFilter.FreezeSize(ref _kalman);
        }

        if (steps > 0)
        {
            KalmanBoxFilter.Predict(ref _kalman, steps);
        }
    }

    /// <summary>
    /// Matches the track to a detection: Kalman update, hit count, confirmation after <paramref name="confirmHits"/>,
    /// re-activation of a lost track, and (when <paramref name="updateEmbedding"/>) the embedding EMA. A tentative track
    /// is confirmed only once <see cref="PeakScore"/> has reached <paramref name="confirmPeakScore"/> too.
    /// </summary>
    public void Update(in BoxF box, float score, double time, int detectionIndex, ReadOnlySpan<float> embedding, bool updateEmbedding, float momentum, int confirmHits, int gallerySize = 0, float confirmPeakScore = 0f)
    {
        PeakScore = MathF.Max(PeakScore, score);
        KalmanBoxFilter.Update(ref _kalman, box);
        Hits++;
        LastBox = box;
        LastScore = score;
        LastSeenSeconds = time;
        MatchedThisFrame = true;
        MatchedDetection = detectionIndex;
        if (State == TrackState.Lost || (State == TrackState.Tentative && Hits >= confirmHits && PeakScore >= confirmPeakScore))
        {
            State = TrackState.Confirmed;
        }
        else if (State == TrackState.Tentative)
        {
            _tentativeBoxes?.Add((time, box, score));
        }

        if (updateEmbedding && !embedding.IsEmpty)
        {
            if (_embedding.Length != embedding.Length)
            {
                _embedding = embedding.ToArray();
                _galleryCount = 0;
                AddToGallery(embedding, gallerySize);
                return;
            }

            AddToGallery(embedding, gallerySize);

            // ema = normalise(m·ema + (1−m)·e); a zero memory simply becomes e.
            TensorPrimitives.Multiply(_embedding, momentum, _embedding);
            TensorPrimitives.MultiplyAdd(embedding, 1f - momentum, _embedding, _embedding);
            float norm = TensorPrimitives.Norm(_embedding);
            if (norm > 1e-6f)
            {
                TensorPrimitives.Divide(_embedding, norm, _embedding);
            }
        }
    }

    /// <summary>Moves the Kalman state (and the last box) into the next frame's camera coordinates (camera-motion compensation).</summary>
    public void WarpCamera(in Affine2 m)
    {
        KalmanBoxFilter.Warp(ref _kalman, m);
        LastBox = m.Apply(LastBox);
    }

    /// <summary>Forgets the boxes kept while tentative (after they were emitted).</summary>
    public void ClearTentativeBoxes() => _tentativeBoxes = null;

    // Ring buffer of the last gallerySize embeddings (allocated once per track).
    private void AddToGallery(ReadOnlySpan<float> embedding, int gallerySize)
    {
        if (gallerySize <= 0)
        {
            return;
        }

        int dim = embedding.Length;
        if (_gallery.Length != gallerySize * dim)
        {
            _gallery = new float[gallerySize * dim];
            _galleryCount = 0;
            _galleryNext = 0;
        }

        embedding.CopyTo(_gallery.AsSpan(_galleryNext * dim, dim));
        _galleryNext = (_galleryNext + 1) % gallerySize;
        _galleryCount = Math.Min(_galleryCount + 1, gallerySize);
    }

    /// <summary>The track went unmatched this frame.</summary>
    public void MarkLost() => State = TrackState.Lost;

    /// <summary>The track ends; its id is retired.</summary>
    public void MarkRemoved() => State = TrackState.Removed;
}
