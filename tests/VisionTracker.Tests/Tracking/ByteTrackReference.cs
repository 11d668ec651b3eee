using VisionTracker.Detection;
using VisionTracker.Geometry;
using VisionTracker.Tracking;

namespace VisionTracker.Tests.Tracking;

/// <summary>
/// A line-by-line C# port of ByteTrack's <c>yolox/tracker/byte_tracker.py</c> (ifzhang/ByteTrack) with its default
/// arguments (track_thresh 0.5, track_buffer 30, match_thresh 0.8, frame_rate 30, not MOT20, so scores are fused), its
/// xyah Kalman filter (<c>kalman_filter.py</c>), cython_bbox IoU (+1 pixel convention), and the MOT output filter of
/// <c>tools/track.py</c> (w/h &gt; 1.6 or area ≤ 10 not written). Evaluation reference only, not product code: it is
/// the ByteTrack row of docs/tracking-quality.md where DATA.md has no published figure (MOT17-mini). Timestamps are
/// ignored (ByteTrack counts frames).
/// </summary>
internal sealed class ByteTrackReference : ITracker
{
    private const double TrackThresh = 0.5, MatchThresh = 0.8, DetThresh = TrackThresh + 0.1;
    private const int MaxTimeLost = 30;
    private const double WPos = 1.0 / 20, WVel = 1.0 / 160;

    private readonly LinearAssignment _lap = new();
    private List<STrack> _tracked = [];
    private List<STrack> _lost = [];
    private int _frameId;
    private int _nextId;

    public void Reset()
    {
        _tracked = [];
        _lost = [];
        _frameId = 0;
        _nextId = 0;
    }

    public Detections Update(Detections detections, double timestampSeconds)
    {
        _frameId++;
        var activated = new List<STrack>();
        var refind = new List<STrack>();
        var lostNow = new List<STrack>();
        var removedNow = new List<STrack>();
        var dets = new List<STrack>();
        var detsSecond = new List<STrack>();
        for (int i = 0; i < detections.Count; i++)
        {
            float s = detections.Scores[i];
            BoxF b = detections.Boxes[i];
            if (s > TrackThresh)
            {
                dets.Add(new STrack(b.X1, b.Y1, b.X2 - b.X1, b.Y2 - b.Y1, s));
            }
            else if (s > 0.1)
            {
                detsSecond.Add(new STrack(b.X1, b.Y1, b.X2 - b.X1, b.Y2 - b.Y1, s));
            }
        }

        var unconfirmed = _tracked.Where(t => !t.Activated).ToList();
        var trackedStracks = _tracked.Where(t => t.Activated).ToList();

        // Step 2: first association, high-score detections, fused IoU.
        var pool = Joint(trackedStracks, _lost);
        foreach (var t in pool)
        {
            t.Predict();
        }

        var (m, uTrack, uDet) = Assign(pool, dets, MatchThresh, fuse: true);
        foreach (var (it, id) in m)
        {
            var t = pool[it];
            if (t.State == State.Tracked)
            {
                t.Update(dets[id], _frameId);
                activated.Add(t);
            }
            else
            {
                t.ReActivate(dets[id], _frameId);
                refind.Add(t);
            }
        }

        // Step 3: second association, low-score detections, plain IoU at 0.5.
        var rTracked = uTrack.Select(i => pool[i]).Where(t => t.State == State.Tracked).ToList();
        var (m2, uTrack2, _) = Assign(rTracked, detsSecond, 0.5, fuse: false);
        foreach (var (it, id) in m2)
        {
            var t = rTracked[it];
            if (t.State == State.Tracked)
            {
                t.Update(detsSecond[id], _frameId);
                activated.Add(t);
            }
            else
            {
                t.ReActivate(detsSecond[id], _frameId);
                refind.Add(t);
            }
        }

        foreach (int it in uTrack2)
        {
            var t = rTracked[it];
            if (t.State != State.Lost)
            {
                t.State = State.Lost;
                lostNow.Add(t);
            }
        }

        // Unconfirmed tracks (one beginning frame) against the rest, fused IoU at 0.7.
        var rest = uDet.Select(i => dets[i]).ToList();
        var (m3, uUnconf, uDet3) = Assign(unconfirmed, rest, 0.7, fuse: true);
        foreach (var (it, id) in m3)
        {
            unconfirmed[it].Update(rest[id], _frameId);
            activated.Add(unconfirmed[it]);
        }

        foreach (int it in uUnconf)
        {
            unconfirmed[it].State = State.Removed;
            removedNow.Add(unconfirmed[it]);
        }

        // Step 4: new tracks.
        foreach (int i in uDet3)
        {
            var t = rest[i];
            if (t.Score < DetThresh)
            {
                continue;
            }

            t.Activate(++_nextId, _frameId);
            activated.Add(t);
        }

        // Step 5: state.
        foreach (var t in _lost)
        {
            if (_frameId - t.EndFrame > MaxTimeLost)
            {
                t.State = State.Removed;
                removedNow.Add(t);
            }
        }

        _tracked = _tracked.Where(t => t.State == State.Tracked).ToList();
        _tracked = Joint(_tracked, activated);
        _tracked = Joint(_tracked, refind);
        _lost = Sub(_lost, _tracked);
        _lost.AddRange(lostNow);
        _lost = Sub(_lost, removedNow);
        (_tracked, _lost) = RemoveDuplicates(_tracked, _lost);

        var outBoxes = new List<BoxF>();
        var outScores = new List<float>();
        var outIds = new List<int>();
        foreach (var t in _tracked.Where(t => t.Activated))
        {
            var (x, y, w, h) = t.Tlwh;
            if (w * h > 10 && w / h <= 1.6)
            {
                outBoxes.Add(BoxF.FromXywh((float)x, (float)y, (float)w, (float)h));
                outScores.Add((float)t.Score);
                outIds.Add(t.Id);
            }
        }

        return new Detections([.. outBoxes], [.. outScores], new int[outBoxes.Count], trackIds: [.. outIds]);
    }

    private static List<STrack> Joint(List<STrack> a, List<STrack> b)
    {
        var seen = new HashSet<int>(a.Select(t => t.Id));
        var res = new List<STrack>(a);
        foreach (var t in b)
        {
            if (seen.Add(t.Id))
            {
                res.Add(t);
            }
        }

        return res;
    }

    private static List<STrack> Sub(List<STrack> a, List<STrack> b)
    {
        var ids = new HashSet<int>(b.Select(t => t.Id));
        return a.Where(t => !ids.Contains(t.Id)).ToList();
    }

    private static (List<STrack>, List<STrack>) RemoveDuplicates(List<STrack> a, List<STrack> b)
    {
        var dupA = new HashSet<int>();
        var dupB = new HashSet<int>();
        for (int p = 0; p < a.Count; p++)
        {
            for (int q = 0; q < b.Count; q++)
            {
                if (1 - Iou(a[p].Tlbr, b[q].Tlbr) < 0.15)
                {
                    int tp = a[p].FrameId - a[p].StartFrame, tq = b[q].FrameId - b[q].StartFrame;
                    if (tp > tq)
                    {
                        dupB.Add(q);
                    }
                    else
                    {
                        dupA.Add(p);
                    }
                }
            }
        }

        return (a.Where((_, i) => !dupA.Contains(i)).ToList(), b.Where((_, i) => !dupB.Contains(i)).ToList());
    }

    private (List<(int, int)> Matches, List<int> UTrack, List<int> UDet) Assign(List<STrack> tracks, List<STrack> dets, double thresh, bool fuse)
    {
        int t = tracks.Count, n = dets.Count;
        if (t == 0 || n == 0)
        {
            return ([], Enumerable.Range(0, t).ToList(), Enumerable.Range(0, n).ToList());
        }

        var cost = new float[t * n];
        for (int i = 0; i < t; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double iou = Iou(tracks[i].Tlbr, dets[j].Tlbr);
                cost[(i * n) + j] = (float)(fuse ? 1 - (iou * dets[j].Score) : 1 - iou);
            }
        }

        var r = _lap.Solve(cost, t, n, (float)thresh);
        var matches = new List<(int, int)>();
        var ut = new HashSet<int>(Enumerable.Range(0, t));
        var ud = new HashSet<int>(Enumerable.Range(0, n));
        foreach (var (row, col) in r.Matches)
        {
            matches.Add((row, col));
            ut.Remove(row);
            ud.Remove(col);
        }

        return (matches, ut.Order().ToList(), ud.Order().ToList());
    }

    // cython_bbox.bbox_overlaps: +1 pixel widths.
    private static double Iou((double X1, double Y1, double X2, double Y2) a, (double X1, double Y1, double X2, double Y2) b)
    {
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1) + 1;
        if (iw <= 0)
        {
            return 0;
        }

        double ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1) + 1;
        if (ih <= 0)
        {
            return 0;
        }

        double inter = iw * ih;
        double ua = ((a.X2 - a.X1 + 1) * (a.Y2 - a.Y1 + 1)) + ((b.X2 - b.X1 + 1) * (b.Y2 - b.Y1 + 1)) - inter;
        return inter / ua;
    }

    private enum State
    {
        New,
        Tracked,
        Lost,
        Removed,
    }

    private sealed class STrack
    {
        private readonly double[] _tlwh;
        private double[]? _mean;
        private double[,]? _cov;

        public STrack(double x, double y, double w, double h, double score)
        {
            _tlwh = [x, y, w, h];
            Score = score;
        }

        public int Id { get; private set; }

        public State State { get; set; } = State.New;

        public bool Activated { get; private set; }

        public double Score { get; private set; }

        public int FrameId { get; private set; }

        public int StartFrame { get; private set; }

        public int EndFrame => FrameId;

        public (double X, double Y, double W, double H) Tlwh
        {
            get
            {
                if (_mean is null)
                {
                    return (_tlwh[0], _tlwh[1], _tlwh[2], _tlwh[3]);
                }

                double w = _mean[2] * _mean[3], h = _mean[3];
                return (_mean[0] - (w / 2), _mean[1] - (h / 2), w, h);
            }
        }

        public (double X1, double Y1, double X2, double Y2) Tlbr
        {
            get
            {
                var (x, y, w, h) = Tlwh;
                return (x, y, x + w, y + h);
            }
        }

        private double[] Xyah
        {
            get
            {
                var (x, y, w, h) = Tlwh;
                return [x + (w / 2), y + (h / 2), w / h, h];
            }
        }

        public void Activate(int id, int frameId)
        {
            Id = id;
            double[] z = Xyah;
            _mean = [z[0], z[1], z[2], z[3], 0, 0, 0, 0];
            double h = z[3];
            double[] std = [2 * WPos * h, 2 * WPos * h, 1e-2, 2 * WPos * h, 10 * WVel * h, 10 * WVel * h, 1e-5, 10 * WVel * h];
            _cov = new double[8, 8];
            for (int i = 0; i < 8; i++)
            {
                _cov[i, i] = std[i] * std[i];
            }

            State = State.Tracked;
            Activated = frameId == 1;
            FrameId = frameId;
            StartFrame = frameId;
        }

        public void Predict()
        {
            double[] mean = (double[])_mean!.Clone();
            if (State != State.Tracked)
            {
                mean[7] = 0;
            }

            double h = mean[3];
            double[] q = [WPos * h, WPos * h, 1e-2, WPos * h, WVel * h, WVel * h, 1e-5, WVel * h];
            var f = Identity(8);
            for (int i = 0; i < 4; i++)
            {
                f[i, i + 4] = 1;
            }

            _mean = Mul(f, mean);
            var cov = Mul(Mul(f, _cov!), Transpose(f));
            for (int i = 0; i < 8; i++)
            {
                cov[i, i] += q[i] * q[i];
            }

            _cov = cov;
        }

        public void Update(STrack det, int frameId)
        {
            FrameId = frameId;
            KalmanUpdate(det.Xyah);
            State = State.Tracked;
            Activated = true;
            Score = det.Score;
        }

        public void ReActivate(STrack det, int frameId) => Update(det, frameId);

        private void KalmanUpdate(double[] z)
        {
            double[] mean = _mean!;
            double[,] cov = _cov!;
            double h = mean[3];
            double[] r = [WPos * h, WPos * h, 1e-1, WPos * h];

            // S = H P H^T + R (4x4), PHt = P H^T (8x4).
            var s = new double[4, 4];
            var pht = new double[8, 4];
            for (int i = 0; i < 8; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    pht[i, j] = cov[i, j];
                }
            }

            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    s[i, j] = cov[i, j] + (i == j ? r[i] * r[i] : 0);
                }
            }

            var sInv = Invert4(s);
            var k = new double[8, 4];
            for (int i = 0; i < 8; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    double acc = 0;
                    for (int l = 0; l < 4; l++)
                    {
                        acc += pht[i, l] * sInv[l, j];
                    }

                    k[i, j] = acc;
                }
            }

            var innov = new double[4];
            for (int j = 0; j < 4; j++)
            {
                innov[j] = z[j] - mean[j];
            }

            var newMean = new double[8];
            for (int i = 0; i < 8; i++)
            {
                double acc = mean[i];
                for (int j = 0; j < 4; j++)
                {
                    acc += k[i, j] * innov[j];
                }

                newMean[i] = acc;
            }

            // P - K S K^T
            var ks = new double[8, 4];
            for (int i = 0; i < 8; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    double acc = 0;
                    for (int l = 0; l < 4; l++)
                    {
                        acc += k[i, l] * s[l, j];
                    }

                    ks[i, j] = acc;
                }
            }

            var newCov = new double[8, 8];
            for (int i = 0; i < 8; i++)
            {
                for (int j = 0; j < 8; j++)
                {
                    double acc = 0;
                    for (int l = 0; l < 4; l++)
                    {
                        acc += ks[i, l] * k[j, l];
                    }

                    newCov[i, j] = cov[i, j] - acc;
                }
            }

            _mean = newMean;
            _cov = newCov;
        }

        private static double[,] Identity(int n)
        {
            var m = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                m[i, i] = 1;
            }

            return m;
        }

        private static double[] Mul(double[,] a, double[] v)
        {
            int n = v.Length;
            var r = new double[n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    r[i] += a[i, j] * v[j];
                }
            }

            return r;
        }

        private static double[,] Mul(double[,] a, double[,] b)
        {
            int n = a.GetLength(0);
            var r = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double acc = 0;
                    for (int l = 0; l < n; l++)
                    {
                        acc += a[i, l] * b[l, j];
                    }

                    r[i, j] = acc;
                }
            }

            return r;
        }

        private static double[,] Transpose(double[,] a)
        {
            int n = a.GetLength(0);
            var r = new double[n, n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    r[i, j] = a[j, i];
                }
            }

            return r;
        }

        // Gauss-Jordan inverse of a symmetric positive definite 4x4 (ByteTrack solves with Cholesky; same result).
        private static double[,] Invert4(double[,] s)
        {
            var a = new double[4, 8];
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    a[i, j] = s[i, j];
                }

                a[i, i + 4] = 1;
            }

            for (int c = 0; c < 4; c++)
            {
                int p = c;
                for (int i = c + 1; i < 4; i++)
                {
                    if (Math.Abs(a[i, c]) > Math.Abs(a[p, c]))
                    {
                        p = i;
                    }
                }

                for (int j = 0; j < 8; j++)
                {
                    (a[c, j], a[p, j]) = (a[p, j], a[c, j]);
                }

                double d = a[c, c];
                for (int j = 0; j < 8; j++)
                {
                    a[c, j] /= d;
                }

                for (int i = 0; i < 4; i++)
                {
                    if (i != c)
                    {
                        double f = a[i, c];
                        for (int j = 0; j < 8; j++)
                        {
                            a[i, j] -= f * a[c, j];
                        }
                    }
                }
            }

            var r = new double[4, 4];
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    r[i, j] = a[i, j + 4];
                }
            }

            return r;
        }
    }
}
