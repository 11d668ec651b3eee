using VisionTracker.Geometry;

namespace VisionTracker.Detection;

/// <summary>
/// One frame's detections as immutable columns, in the manner of supervision's <c>Detections</c>.
/// Every stage (detector, tracker, zones, writers) takes one in and gives one out.
/// </summary>
/// <remarks>
/// Columns are arrays owned by the instance and never written after construction; callers must not mutate
/// the arrays they pass in. Embeddings are stored row-major, <see cref="EmbeddingDim"/> floats per row.
/// </remarks>
public sealed class Detections
{
    private readonly BoxF[] _boxes;
    private readonly float[] _scores;
    private readonly int[] _classIds;
    private readonly float[]? _embeddings;
    private readonly int[]? _trackIds;

    /// <summary>Creates a batch; every column must have one entry per detection.</summary>
    /// <param name="boxes">Boxes, xyxy in frame pixels.</param>
    /// <param name="scores">Confidence per box.</param>
    /// <param name="classIds">Class index per box (0-based COCO-80 for the bundled models).</param>
    /// <param name="embeddings">Optional row-major embeddings, <paramref name="embeddingDim"/> floats per box.</param>
    /// <param name="embeddingDim">Embedding size; 0 when there are no embeddings.</param>
    /// <param name="trackIds">Optional track id per box.</param>
    /// <exception cref="ArgumentException">A column's length does not match the number of boxes.</exception>
    public Detections(BoxF[] boxes, float[] scores, int[] classIds, float[]? embeddings = null, int embeddingDim = 0, int[]? trackIds = null)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(classIds);
        int n = boxes.Length;
        if (scores.Length != n || classIds.Length != n)
        {
            throw new ArgumentException($"Detections columns disagree: {n} boxes, {scores.Length} scores, {classIds.Length} class ids.");
        }

        if (embeddings is not null)
        {
            if (embeddingDim <= 0 || embeddings.Length != n * embeddingDim)
            {
                throw new ArgumentException($"Embeddings hold {embeddings.Length} floats; expected {n} x {embeddingDim}.");
            }
        }
        else if (embeddingDim != 0)
        {
            throw new ArgumentException("An embedding dimension was given without embeddings.");
        }

        if (trackIds is not null && trackIds.Length != n)
        {
            throw new ArgumentException($"Detections columns disagree: {n} boxes, {trackIds.Length} track ids.");
        }

        _boxes = boxes;
        _scores = scores;
        _classIds = classIds;
        _embeddings = embeddings;
        EmbeddingDim = embeddingDim;
        _trackIds = trackIds;
    }

    /// <summary>An empty batch with no optional columns.</summary>
    public static Detections Empty { get; } = new([], [], []);

    /// <summary>Number of detections.</summary>
    public int Count => _boxes.Length;

    /// <summary>Boxes, xyxy in frame pixels.</summary>
    public ReadOnlySpan<BoxF> Boxes => _boxes;

    /// <summary>Confidence per detection.</summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>Class index per detection.</summary>
    public ReadOnlySpan<int> ClassIds => _classIds;

    /// <summary>Whether the batch carries embeddings.</summary>
    public bool HasEmbeddings => _embeddings is not null;

    /// <summary>Embedding size; 0 when <see cref="HasEmbeddings"/> is false.</summary>
    public int EmbeddingDim { get; }

    /// <summary>All embeddings, row-major; empty when there are none.</summary>
    public ReadOnlySpan<float> Embeddings => _embeddings;

    /// <summary>Whether the batch carries track ids.</summary>
    public bool HasTrackIds => _trackIds is not null;

    /// <summary>Track id per detection; empty when there are none.</summary>
    public ReadOnlySpan<int> TrackIds => _trackIds;

    /// <summary>The embedding of detection <paramref name="index"/>; empty when there are none.</summary>
    public ReadOnlySpan<float> Embedding(int index) =>
        _embeddings is null ? default : _embeddings.AsSpan(index * EmbeddingDim, EmbeddingDim);

    /// <summary>Returns the rows where <paramref name="keep"/> is true, in order.</summary>
    /// <exception cref="ArgumentException">The mask length differs from <see cref="Count"/>.</exception>
    public Detections Filter(ReadOnlySpan<bool> keep)
    {
        if (keep.Length != Count)
        {
            throw new ArgumentException($"Mask has {keep.Length} entries for {Count} detections.", nameof(keep));
        }

        int m = 0;
        foreach (bool k in keep)
        {
            m += k ? 1 : 0;
        }

        if (m == Count)
        {
            return this;
        }

        int[] idx = new int[m];
        for (int i = 0, j = 0; i < keep.Length; i++)
        {
            if (keep[i])
            {
                idx[j++] = i;
            }
        }

        return Select(idx);
    }

    /// <summary>Returns the rows at <paramref name="indices"/>, in that order.</summary>
    public Detections Select(ReadOnlySpan<int> indices)
    {
        int m = indices.Length;
        var boxes = new BoxF[m];
        var scores = new float[m];
        var classes = new int[m];
        float[]? emb = _embeddings is null ? null : new float[m * EmbeddingDim];
        int[]? ids = _trackIds is null ? null : new int[m];
        for (int j = 0; j < m; j++)
        {
            int i = indices[j];
            boxes[j] = _boxes[i];
            scores[j] = _scores[i];
            classes[j] = _classIds[i];
            if (emb is not null)
            {
                Array.Copy(_embeddings!, i * EmbeddingDim, emb, j * EmbeddingDim, EmbeddingDim);
            }

            if (ids is not null)
            {
                ids[j] = _trackIds![i];
            }
        }

        return new Detections(boxes, scores, classes, emb, emb is null ? 0 : EmbeddingDim, ids);
    }

    /// <summary>Keeps detections with score at least <paramref name="minScore"/>.</summary>
    public Detections WithMinScore(float minScore)
    {
        Span<bool> keep = Count <= 1024 ? stackalloc bool[Count] : new bool[Count];
        for (int i = 0; i < Count; i++)
        {
            keep[i] = _scores[i] >= minScore;
        }

        return Filter(keep);
    }

    /// <summary>Keeps detections whose class is in <paramref name="classIds"/>.</summary>
    public Detections WithClasses(IReadOnlySet<int> classIds)
    {
        ArgumentNullException.ThrowIfNull(classIds);
        Span<bool> keep = Count <= 1024 ? stackalloc bool[Count] : new bool[Count];
        for (int i = 0; i < Count; i++)
        {
            keep[i] = classIds.Contains(_classIds[i]);
        }

        return Filter(keep);
    }

    /// <summary>Returns the same rows with <paramref name="trackIds"/> attached (other columns are shared, not copied).</summary>
    public Detections WithTrackIds(int[] trackIds) =>
        new(_boxes, _scores, _classIds, _embeddings, EmbeddingDim, trackIds);

    /// <summary>Returns the same rows with embeddings attached (other columns are shared, not copied).</summary>
    public Detections WithEmbeddings(float[] embeddings, int embeddingDim) =>
        new(_boxes, _scores, _classIds, embeddings, embeddingDim, _trackIds);

    /// <summary>Concatenates batches; optional columns survive only when every non-empty batch has them.</summary>
    public static Detections Merge(IReadOnlyList<Detections> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var nonEmpty = parts.Where(p => p.Count > 0).ToList();
        if (nonEmpty.Count == 0)
        {
            return Empty;
        }

        if (nonEmpty.Count == 1)
        {
            return nonEmpty[0];
        }

        bool emb = nonEmpty.All(p => p.HasEmbeddings) && nonEmpty.Select(p => p.EmbeddingDim).Distinct().Count() == 1;
        bool ids = nonEmpty.All(p => p.HasTrackIds);
        return new Detections(
            nonEmpty.SelectMany(p => p._boxes).ToArray(),
            nonEmpty.SelectMany(p => p._scores).ToArray(),
            nonEmpty.SelectMany(p => p._classIds).ToArray(),
            emb ? nonEmpty.SelectMany(p => p._embeddings!).ToArray() : null,
            emb ? nonEmpty[0].EmbeddingDim : 0,
            ids ? nonEmpty.SelectMany(p => p._trackIds!).ToArray() : null);
    }
}
