using System.Numerics.Tensors;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>
/// Cross-attention association of track queries against detection keys (GTR's layout, online, parameter-free).
/// </summary>
/// <remarks>
/// <para>
/// A query is <c>[ê_track ; γ·PE(b̂_track)]</c> and a key <c>[ê_det ; γ·PE(b_det)]</c>; their dot product is computed as
/// <c>ê_t·ê_d + γ²·PE_t·PE_d</c> (two TensorPrimitives dots, no concatenated copy). ê are centred, L2-normalised
/// embeddings (<see cref="PrepareDetectionEmbeddings"/>); with no embeddings the appearance term is 0 and the matcher
/// runs on geometry alone (PE plus the IoU term).
/// </para>
/// <para>
/// PE is a sinusoidal encoding of (cx/s, cy/s, 2·ln w, 2·ln h) at <see cref="Frequencies"/> angular frequencies, sine and
/// cosine, scaled to unit norm, so PE_t·PE_d is the mean of cos(ω·Δ) over coordinates and frequencies: 1 for equal
/// boxes, falling as they move apart. s is <see cref="TrackerOptions.PositionScale"/> times the mean object size
/// (sqrt of the area) over the tracks and detections being matched, so the encoding is in object units, independent of
/// image resolution; width and height are encoded by their logarithm, so only their ratio matters.
/// </para>
/// <para>
/// Logits: <c>(q·k + w_IoU·IoU)/τ + log-gate</c>, where the gate is −∞ when the classes differ, or when IoU is 0 and the
/// centre distance exceeds <see cref="TrackerOptions.MotionGate"/> track sizes (widened with time since last seen).
/// A dustbin column with the constant logit <see cref="TrackerOptions.DustbinScore"/>/τ lets a track choose no match.
/// Probabilities come from a row softmax, dual-softmax or Sinkhorn; the cost −log P goes to <see cref="LinearAssignment"/>
/// with threshold −log p_min.
/// </para>
/// <para>All buffers are owned by the instance and grown on demand: a steady-state frame allocates nothing.</para>
/// </remarks>
internal sealed class AttentionMatcher
{
    /// <summary>Number of frequencies per encoded coordinate.</summary>
    public const int Frequencies = 4;

    /// <summary>Length of a positional encoding: 4 coordinates x frequencies x (sin, cos).</summary>
    public const int EncodingDim = 4 * Frequencies * 2;

    private static readonly float[] Omegas = [0.25f, 0.5f, 1f, 2f];

    private readonly TrackerOptions _options;
    private float[] _detEmb = [];
    private float[] _center = [];
    private float[] _frameMean = [];
    private bool _centerValid;
    private float[] _peTracks = [];
    private float[] _peDets = [];
    private float[] _logits = [];
    private float[] _prob = [];
    private float[] _cost = [];
    private float[] _colLse = [];
    private float[] _u = [];
    private float[] _v = [];
    private int _rows;
    private int _cols;

    /// <summary>Creates a matcher with the given options.</summary>
    public AttentionMatcher(TrackerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Match probabilities of the last <see cref="Match"/>: rows x (cols + 1), the last column the dustbin.</summary>
    public ReadOnlySpan<float> Probabilities => _prob.AsSpan(0, _rows * (_cols + 1));

    /// <summary>Costs (−log P) of the last <see cref="Match"/>: rows x cols.</summary>
    public ReadOnlySpan<float> Costs => _cost.AsSpan(0, _rows * _cols);

    /// <summary>Forgets the running embedding mean.</summary>
    public void Reset() => _centerValid = false;

    /// <summary>A copy of the running embedding mean, or null when there is none yet (for <see cref="TrackerSnapshot"/>).</summary>
    public float[]? CopyCenter() => _centerValid && _center.Length > 0 ? (float[])_center.Clone() : null;

    /// <summary>Sets the running embedding mean (from a <see cref="TrackerSnapshot"/>); null forgets it.</summary>
    public void RestoreCenter(float[]? center)
    {
        if (center is not { Length: > 0 })
        {
            _centerValid = false;
            return;
        }

        _center = (float[])center.Clone();
        _frameMean = new float[center.Length];
        _centerValid = true;
    }

    /// <summary>
    /// Centres (per <see cref="TrackerOptions.Centering"/>) and L2-normalises <paramref name="n"/> raw embeddings of size
    /// <paramref name="dim"/>, and updates the running mean. A vector whose centred norm is negligible becomes 0.
    /// </summary>
    /// <returns>The n x dim normalised embeddings, in a workspace buffer valid until the next call.</returns>
    public ReadOnlySpan<float> PrepareDetectionEmbeddings(ReadOnlySpan<float> raw, int n, int dim)
    {
        if (n == 0 || dim == 0)
        {
            return default;
        }

        Grow(ref _detEmb, n * dim);
        if (_center.Length != dim)
        {
            _center = new float[dim];
            _frameMean = new float[dim];
            _centerValid = false;
        }

        Span<float> center = _center;
        if (_options.Centering != EmbeddingCentering.None)
        {
            Span<float> mean = _frameMean;
            mean.Clear();
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Add(mean, raw.Slice(i * dim, dim), mean);
            }

            TensorPrimitives.Multiply(mean, 1f / n, mean);
            if (_options.Centering == EmbeddingCentering.FrameMean || !_centerValid)
            {
                mean.CopyTo(center);
            }
            else
            {
                float m = _options.CenterMomentum;
                TensorPrimitives.Multiply(center, m, center);
                TensorPrimitives.MultiplyAdd(mean, 1f - m, center, center);
            }

            _centerValid = true;
        }

        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> src = raw.Slice(i * dim, dim);
            Span<float> dst = _detEmb.AsSpan(i * dim, dim);
            if (_options.Centering == EmbeddingCentering.None)
            {
                src.CopyTo(dst);
            }
            else
            {
                TensorPrimitives.Subtract(src, center, dst);
            }

            float norm = TensorPrimitives.Norm(dst);
            float rawNorm = TensorPrimitives.Norm(src);
            if (norm <= 1e-4f * MathF.Max(rawNorm, 1e-12f))
            {
                dst.Clear();
            }
            else
            {
                TensorPrimitives.Divide(dst, norm, dst);
            }
        }

        return _detEmb.AsSpan(0, n * dim);
    }

    /// <summary>
    /// Scores tracks against detections and solves the assignment.
    /// </summary>
    /// <param name="trackEmb">Track embeddings (centred, unit or zero), rows x dim; empty when dim is 0.</param>
    /// <param name="trackBoxes">Predicted track boxes.</param>
    /// <param name="trackClasses">Track classes.</param>
    /// <param name="trackSecondsUnseen">Seconds since each track was last matched (widens its motion gate).</param>
    /// <param name="detEmb">Detection embeddings from <see cref="PrepareDetectionEmbeddings"/>, cols x dim.</param>
    /// <param name="detBoxes">Detection boxes.</param>
    /// <param name="detClasses">Detection classes.</param>
    /// <param name="dim">Embedding size; 0 for geometry only.</param>
    /// <param name="assignment">The assignment workspace to solve with.</param>
    /// <param name="trackLost">Per track, whether it is Lost (its appearance term is weighted by <see cref="TrackerOptions.LostAppearanceWeight"/>); empty: none is.</param>
    /// <param name="pairAllowed">Optional extra gate, rows x cols (e.g. the Kalman Mahalanobis gate); false forbids the pair. Empty: no extra gate.</param>
    /// <param name="appearance">Optional appearance similarities, rows x cols, used instead of the embedding dot products (e.g. the best cosine over a track's gallery). Empty: the dot products.</param>
    public AssignmentResult Match(
        ReadOnlySpan<float> trackEmb,
        ReadOnlySpan<BoxF> trackBoxes,
        ReadOnlySpan<int> trackClasses,
        ReadOnlySpan<float> trackSecondsUnseen,
        ReadOnlySpan<float> detEmb,
        ReadOnlySpan<BoxF> detBoxes,
        ReadOnlySpan<int> detClasses,
        int dim,
        LinearAssignment assignment,
        ReadOnlySpan<bool> trackLost = default,
        ReadOnlySpan<bool> pairAllowed = default,
        ReadOnlySpan<float> appearance = default)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        int t = trackBoxes.Length, n = detBoxes.Length;
        Score(trackEmb, trackBoxes, trackClasses, trackSecondsUnseen, detEmb, detBoxes, detClasses, dim, trackLost, pairAllowed, appearance);
        float threshold = -MathF.Log(_options.MinMatchProbability);
        return assignment.Solve(_cost.AsSpan(0, t * n), t, n, threshold);
    }

    /// <summary>Computes logits, probabilities and costs (see <see cref="Probabilities"/> and <see cref="Costs"/>) without solving.</summary>
    /// <param name="trackEmb">Track embeddings, rows x dim.</param>
    /// <param name="trackBoxes">Predicted track boxes.</param>
    /// <param name="trackClasses">Track classes.</param>
    /// <param name="trackSecondsUnseen">Seconds since each track was last matched.</param>
    /// <param name="detEmb">Detection embeddings, cols x dim.</param>
    /// <param name="detBoxes">Detection boxes.</param>
    /// <param name="detClasses">Detection classes.</param>
    /// <param name="dim">Embedding size; 0 for geometry only.</param>
    /// <param name="trackLost">Per track, whether it is Lost; empty: none is.</param>
    /// <param name="pairAllowed">Optional extra gate, rows x cols; empty: none.</param>
    /// <param name="appearanceSim">Optional appearance similarities replacing the embedding dot products, rows x cols; empty: the dot products.</param>
    public void Score(
        ReadOnlySpan<float> trackEmb,
        ReadOnlySpan<BoxF> trackBoxes,
        ReadOnlySpan<int> trackClasses,
        ReadOnlySpan<float> trackSecondsUnseen,
        ReadOnlySpan<float> detEmb,
        ReadOnlySpan<BoxF> detBoxes,
        ReadOnlySpan<int> detClasses,
        int dim,
        ReadOnlySpan<bool> trackLost = default,
        ReadOnlySpan<bool> pairAllowed = default,
        ReadOnlySpan<float> appearanceSim = default)
    {
        int t = trackBoxes.Length, n = detBoxes.Length;
        if ((!pairAllowed.IsEmpty && pairAllowed.Length != t * n) || (!appearanceSim.IsEmpty && appearanceSim.Length != t * n))
        {
            throw new ArgumentException($"Pair gates and appearance must be {t} x {n}.");
        }

        if (trackClasses.Length != t || trackSecondsUnseen.Length != t || detClasses.Length != n || (!trackLost.IsEmpty && trackLost.Length != t))
        {
            throw new ArgumentException("Track and detection columns disagree in length.");
        }

        if (dim > 0 && (trackEmb.Length != t * dim || detEmb.Length != n * dim))
        {
            throw new ArgumentException($"Embeddings must be {t} x {dim} and {n} x {dim}.");
        }

        _rows = t;
        _cols = n;
        int w = n + 1;
        Grow(ref _logits, t * w);
        Grow(ref _prob, t * w);
        Grow(ref _cost, t * n);
        Grow(ref _peTracks, t * EncodingDim);
        Grow(ref _peDets, n * EncodingDim);
        if (t == 0)
        {
            return;
        }

        float scale = _options.PositionScale * MeanSize(trackBoxes, detBoxes);
        for (int i = 0; i < t; i++)
        {
            Encode(trackBoxes[i], scale, _peTracks.AsSpan(i * EncodingDim, EncodingDim));
        }

        for (int j = 0; j < n; j++)
        {
            Encode(detBoxes[j], scale, _peDets.AsSpan(j * EncodingDim, EncodingDim));
        }

        float invTau = 1f / _options.Temperature;
        float gamma2 = _options.PositionWeight * _options.PositionWeight;
        float dust = _options.DustbinScore * invTau;

        // Only appearance can tell who a far-away box is: without it the gate does not widen for time unseen.
        float growth = dim > 0 || !appearanceSim.IsEmpty || _options.GeometryOnlyGateGrowth ? _options.MotionGateGrowthPerSecond : 0f;
        for (int i = 0; i < t; i++)
        {
            BoxF tb = trackBoxes[i];
            float size = MathF.Sqrt(MathF.Max(tb.Area, 1e-6f));
            float reach = _options.MotionGate * size * (1f + (growth * MathF.Max(0f, trackSecondsUnseen[i])));
            float reach2 = reach * reach;
            ReadOnlySpan<float> qe = dim > 0 ? trackEmb.Slice(i * dim, dim) : default;
            ReadOnlySpan<float> qp = _peTracks.AsSpan(i * EncodingDim, EncodingDim);
            Span<float> row = _logits.AsSpan(i * w, w);
            int cls = trackClasses[i];
            float appearanceWeight = !trackLost.IsEmpty && trackLost[i] ? _options.LostAppearanceWeight : _options.AppearanceWeight;
            for (int j = 0; j < n; j++)
            {
                BoxF db = detBoxes[j];
                float dx = db.CenterX - tb.CenterX, dy = db.CenterY - tb.CenterY;

                // Gate: classes differ, or out of reach and not overlapping (cheap corner test before any IoU).
                if (detClasses[j] != cls
                    || (!pairAllowed.IsEmpty && !pairAllowed[(i * n) + j])
                    || (((dx * dx) + (dy * dy)) > reach2 && (db.X1 >= tb.X2 || tb.X1 >= db.X2 || db.Y1 >= tb.Y2 || tb.Y1 >= db.Y2)))
                {
                    row[j] = float.NegativeInfinity;
                    continue;
                }

                float iou = tb.IoU(db);

                float s = gamma2 * TensorPrimitives.Dot(qp, _peDets.AsSpan(j * EncodingDim, EncodingDim));
                if (!appearanceSim.IsEmpty)
                {
                    s += appearanceWeight * appearanceSim[(i * n) + j];
                }
                else if (dim > 0)
                {
                    s += appearanceWeight * TensorPrimitives.Dot(qe, detEmb.Slice(j * dim, dim));
                }

                row[j] = (s + (_options.IouWeight * iou)) * invTau;
            }

            row[n] = dust;
        }

        switch (_options.Normalization)
        {
            case MatchNormalization.DualSoftmax:
                DualSoftmax(t, n, dust);
                break;
            case MatchNormalization.Sinkhorn:
                Sinkhorn(t, n, dust);
                break;
            default:
                RowSoftmax(t, n);
                break;
        }

        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float p = _prob[(i * w) + j];
                _cost[(i * n) + j] = p > 0f ? -MathF.Log(p) : float.PositiveInfinity;
            }
        }
    }

    private static float MeanSize(ReadOnlySpan<BoxF> a, ReadOnlySpan<BoxF> b)
    {
        double sum = 0;
        foreach (BoxF x in a)
        {
            sum += MathF.Sqrt(x.Area);
        }

        foreach (BoxF x in b)
        {
            sum += MathF.Sqrt(x.Area);
        }

        int count = a.Length + b.Length;
        return count == 0 ? 1f : (float)Math.Max(sum / count, 1e-3);
    }

    /// <summary>Unit-norm sinusoidal encoding of (cx/s, cy/s, 2 ln w, 2 ln h).</summary>
    private static void Encode(in BoxF box, float scale, Span<float> pe)
    {
        const float Norm = 0.25f; // 1/sqrt(4 coords x 4 frequencies): unit norm.
        Span<float> c = [box.CenterX / scale, box.CenterY / scale, 2f * MathF.Log(MathF.Max(box.Width, 1e-3f)), 2f * MathF.Log(MathF.Max(box.Height, 1e-3f))];
        int k = 0;
        for (int a = 0; a < 4; a++)
        {
            for (int f = 0; f < Frequencies; f++)
            {
                (float sin, float cos) = MathF.SinCos(Omegas[f] * c[a]);
                pe[k++] = Norm * sin;
                pe[k++] = Norm * cos;
            }
        }
    }

    private void RowSoftmax(int t, int n)
    {
        int w = n + 1;
        for (int i = 0; i < t; i++)
        {
            Span<float> l = _logits.AsSpan(i * w, w);
            Span<float> p = _prob.AsSpan(i * w, w);
            SoftmaxWithInf(l, p);
        }
    }

    private void DualSoftmax(int t, int n, float dust)
    {
        RowSoftmax(t, n);
        int w = n + 1;

        // Column log-sum-exp over the tracks plus a dustbin row with the same constant logit.
        Grow(ref _colLse, n);
        for (int j = 0; j < n; j++)
        {
            float max = dust;
            for (int i = 0; i < t; i++)
            {
                max = MathF.Max(max, _logits[(i * w) + j]);
            }

            float sum = MathF.Exp(dust - max);
            for (int i = 0; i < t; i++)
            {
                float l = _logits[(i * w) + j];
                if (!float.IsNegativeInfinity(l))
                {
                    sum += MathF.Exp(l - max);
                }
            }

            _colLse[j] = max + MathF.Log(sum);
        }

        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float l = _logits[(i * w) + j];
                _prob[(i * w) + j] = float.IsNegativeInfinity(l) ? 0f : _prob[(i * w) + j] * MathF.Exp(l - _colLse[j]);
            }
        }
    }

    /// <summary>Log-domain Sinkhorn on the (t+1) x (n+1) matrix with dustbins; row marginals 1 (dustbin row n), column marginals 1 (dustbin column t). Each iteration ends with the row step, so every track row sums to 1.</summary>
    private void Sinkhorn(int t, int n, float dust)
    {
        int w = n + 1;
        Grow(ref _u, t + 1);
        Grow(ref _v, n + 1);
        Span<float> u = _u.AsSpan(0, t + 1);
        Span<float> v = _v.AsSpan(0, n + 1);
        u.Clear();
        v.Clear();
        float logN = MathF.Log(Math.Max(n, 1)), logT = MathF.Log(Math.Max(t, 1));
        for (int iter = 0; iter < _options.SinkhornIterations; iter++)
        {
            for (int j = 0; j <= n; j++)
            {
                float max = float.NegativeInfinity;
                for (int i = 0; i <= t; i++)
                {
                    max = MathF.Max(max, Z(i, j) + u[i]);
                }

                float sum = 0;
                for (int i = 0; i <= t; i++)
                {
                    float z = Z(i, j) + u[i];
                    sum += float.IsNegativeInfinity(z) ? 0f : MathF.Exp(z - max);
                }

                v[j] = (j == n ? logT : 0f) - (max + MathF.Log(sum));
            }

            for (int i = 0; i <= t; i++)
            {
                float max = float.NegativeInfinity;
                for (int j = 0; j <= n; j++)
                {
                    max = MathF.Max(max, Z(i, j) + v[j]);
                }

                float sum = 0;
                for (int j = 0; j <= n; j++)
                {
                    float z = Z(i, j) + v[j];
                    sum += float.IsNegativeInfinity(z) ? 0f : MathF.Exp(z - max);
                }

                u[i] = (i == t ? logN : 0f) - (max + MathF.Log(sum));
            }
        }

        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j <= n; j++)
            {
                float z = Z(i, j) + u[i] + v[j];
                _prob[(i * w) + j] = float.IsNegativeInfinity(z) ? 0f : MathF.Exp(z);
            }
        }

        float Z(int i, int j) => i == t || j == n ? dust : _logits[(i * w) + j];
    }

    /// <summary>Softmax that treats −∞ as probability 0; the span always holds a finite entry (the dustbin).</summary>
    private static void SoftmaxWithInf(ReadOnlySpan<float> l, Span<float> p)
    {
        float max = float.NegativeInfinity;
        foreach (float x in l)
        {
            max = MathF.Max(max, x);
        }

        float sum = 0;
        for (int j = 0; j < l.Length; j++)
        {
            float e = float.IsNegativeInfinity(l[j]) ? 0f : MathF.Exp(l[j] - max);
            p[j] = e;
            sum += e;
        }

        TensorPrimitives.Multiply(p, 1f / sum, p);
    }

    private static void Grow(ref float[] buffer, int size)
    {
        if (buffer.Length < size)
        {
            buffer = new float[Math.Max(size, buffer.Length * 2)];
        }
    }
}
