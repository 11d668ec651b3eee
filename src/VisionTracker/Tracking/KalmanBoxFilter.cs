using System.Runtime.CompilerServices;
using VisionTracker.Geometry;

namespace VisionTracker.Tracking;

/// <summary>Eight doubles inline (a Kalman mean): no heap, copied by value.</summary>
[InlineArray(8)]
internal struct Vector8
{
    private double _e0;
}

/// <summary>An 8x8 row-major matrix inline (a Kalman covariance): no heap, copied by value.</summary>
[InlineArray(64)]
internal struct Matrix8
{
    private double _e0;
}

/// <summary>The state of one <see cref="KalmanBoxFilter"/> track: mean (cx, cy, w, h, vcx, vcy, vw, vh) and covariance.</summary>
internal struct KalmanState
{
    /// <summary>Mean: centre, size, then their velocities per reference step.</summary>
    public Vector8 Mean;

    /// <summary>Covariance, row-major 8x8.</summary>
    public Matrix8 Covariance;

    /// <summary>The box of the current mean (width and height clamped at 0).</summary>
    public readonly BoxF Box => BoxF.FromCxcywh((float)Mean[0], (float)Mean[1], (float)Math.Max(0, Mean[2]), (float)Math.Max(0, Mean[3]));
}

/// <summary>
/// Constant-velocity Kalman filter over (cx, cy, w, h) and their velocities, in the manner of BoT-SORT's
/// <c>KalmanFilterXYWH</c> (ByteTrack/DeepSORT with width and height in place of aspect ratio).
/// </summary>
/// <remarks>
/// <para>
/// Noise is relative to the box, so the filter behaves the same for small and large objects: the standard
/// deviation of a position or size term is <see cref="StdWeightPosition"/> times the box width (for cx, w) or
/// height (for cy, h); velocity terms use <see cref="StdWeightVelocity"/>. ByteTrack's values (1/20, 1/160)
/// are per frame at about 30 fps; time is measured in such reference steps (<c>dt</c>), and the process noise
/// grows linearly with <c>dt</c>, as a random walk does, so a gap of several frames widens the uncertainty.
/// </para>
/// <para>Predict and update work on <see cref="KalmanState"/> in place and never allocate.</para>
/// </remarks>
internal static class KalmanBoxFilter
{
    /// <summary>Position/size noise per reference step, relative to box size (ByteTrack 1/20).</summary>
    public const double StdWeightPosition = 1.0 / 20;

    /// <summary>Velocity noise per reference step, relative to box size (ByteTrack 1/160).</summary>
    public const double StdWeightVelocity = 1.0 / 160;

    /// <summary>Chi-square 0.95 quantile for 4 degrees of freedom: the Mahalanobis gate of a full (cx, cy, w, h) measurement.</summary>
    public const double ChiSquare95Dof4 = 9.4877;

    /// <summary>Starts a track from a measured box with zero velocity and a wide velocity variance.</summary>
    public static KalmanState Initiate(in BoxF box)
    {
        var s = default(KalmanState);
        double w = box.Width, h = box.Height;
        s.Mean[0] = box.CenterX;
        s.Mean[1] = box.CenterY;
        s.Mean[2] = w;
        s.Mean[3] = h;
        Span<double> std = [
            2 * StdWeightPosition * w, 2 * StdWeightPosition * h, 2 * StdWeightPosition * w, 2 * StdWeightPosition * h,
            10 * StdWeightVelocity * w, 10 * StdWeightVelocity * h, 10 * StdWeightVelocity * w, 10 * StdWeightVelocity * h];
        for (int i = 0; i < 8; i++)
        {
            s.Covariance[(i * 8) + i] = std[i] * std[i];
        }

        return s;
    }

    /// <summary>Advances the state by <paramref name="dt"/> reference steps: x += dt·v, P = F P Fᵀ + dt·Q.</summary>
    public static void Predict(ref KalmanState s, double dt)
    {
        double w = s.Mean[2], h = s.Mean[3];
        for (int i = 0; i < 4; i++)
        {
            s.Mean[i] += dt * s.Mean[i + 4];
        }

        // F P Fᵀ with F = [[I, dt I], [0, I]]: first rows (A + dt C), then columns.
        ref Matrix8 p = ref s.Covariance;
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                p[(i * 8) + j] += dt * p[((i + 4) * 8) + j];
            }
        }

        for (int j = 0; j < 4; j++)
        {
            for (int i = 0; i < 8; i++)
            {
                p[(i * 8) + j] += dt * p[(i * 8) + j + 4];
            }
        }

        double sp0 = StdWeightPosition * w, sp1 = StdWeightPosition * h;
        double sv0 = StdWeightVelocity * w, sv1 = StdWeightVelocity * h;
        p[0] += dt * sp0 * sp0;
        p[9] += dt * sp1 * sp1;
        p[18] += dt * sp0 * sp0;
        p[27] += dt * sp1 * sp1;
        p[36] += dt * sv0 * sv0;
        p[45] += dt * sv1 * sv1;
        p[54] += dt * sv0 * sv0;
        p[63] += dt * sv1 * sv1;
    }

    /// <summary>Sets the size velocities to zero (ByteTrack does this for tracks that are not being tracked).</summary>
    public static void FreezeSize(ref KalmanState s)
    {
        s.Mean[6] = 0;
        s.Mean[7] = 0;
    }

    /// <summary>
    /// Moves the state into the next frame's camera coordinates (BoT-SORT's GMC step): the centre goes through the
    /// affine <paramref name="m"/>, the centre velocity through its linear part, and width, height and their velocities
    /// are scaled by its isotropic scale; the covariance becomes J P Jᵀ with J that same linear map. Linear, so it
    /// commutes with <see cref="Predict"/>: warping before or after the prediction gives the same state.
    /// </summary>
    public static void Warp(ref KalmanState s, in Affine2 m)
    {
        double a11 = m.A11, a12 = m.A12, a21 = m.A21, a22 = m.A22, sc = m.Scale;
        double x = s.Mean[0], y = s.Mean[1], vx = s.Mean[4], vy = s.Mean[5];
        s.Mean[0] = (a11 * x) + (a12 * y) + m.Tx;
        s.Mean[1] = (a21 * x) + (a22 * y) + m.Ty;
        s.Mean[4] = (a11 * vx) + (a12 * vy);
        s.Mean[5] = (a21 * vx) + (a22 * vy);
        for (int i = 2; i < 4; i++)
        {
            s.Mean[i] *= sc;
            s.Mean[i + 4] *= sc;
        }

        // J is block diagonal: [[A, 0], [0, sc]] for (cx, cy, w, h) and the same for the velocities.
        Span<double> j = stackalloc double[64];
        j.Clear();
        for (int b = 0; b < 8; b += 4)
        {
            j[(b * 8) + b] = a11;
            j[(b * 8) + b + 1] = a12;
            j[((b + 1) * 8) + b] = a21;
            j[((b + 1) * 8) + b + 1] = a22;
            j[((b + 2) * 8) + b + 2] = sc;
            j[((b + 3) * 8) + b + 3] = sc;
        }

        ref Matrix8 p = ref s.Covariance;
        Span<double> jp = stackalloc double[64];
        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 8; c++)
            {
                double acc = 0;
                for (int k = 0; k < 8; k++)
                {
                    acc += j[(r * 8) + k] * p[(k * 8) + c];
                }

                jp[(r * 8) + c] = acc;
            }
        }

        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 8; c++)
            {
                double acc = 0;
                for (int k = 0; k < 8; k++)
                {
                    acc += jp[(r * 8) + k] * j[(c * 8) + k];
                }

                p[(r * 8) + c] = acc;
            }
        }
    }

    /// <summary>Corrects the state with a measured box (standard Kalman update; measurement noise relative to the predicted size).</summary>
    public static void Update(ref KalmanState s, in BoxF box)
    {
        Span<double> sInv = stackalloc double[16];
        Span<double> z = stackalloc double[4];
        Project(s, sInv);
        if (!Invert4(sInv))
        {
            return;
        }

        z[0] = box.CenterX - s.Mean[0];
        z[1] = box.CenterY - s.Mean[1];
        z[2] = box.Width - s.Mean[2];
        z[3] = box.Height - s.Mean[3];

        // K = P Hᵀ S⁻¹ (8x4); P Hᵀ is the first 4 columns of P.
        Span<double> k = stackalloc double[32];
        ref Matrix8 p = ref s.Covariance;
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                double acc = 0;
                for (int m = 0; m < 4; m++)
                {
                    acc += p[(i * 8) + m] * sInv[(m * 4) + j];
                }

                k[(i * 4) + j] = acc;
            }
        }

        for (int i = 0; i < 8; i++)
        {
            double acc = 0;
            for (int j = 0; j < 4; j++)
            {
                acc += k[(i * 4) + j] * z[j];
            }

            s.Mean[i] += acc;
        }

        // P = P - K H P, where H P is the first 4 rows of P.
        Matrix8 old = p;
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                double acc = 0;
                for (int m = 0; m < 4; m++)
                {
                    acc += k[(i * 4) + m] * old[(m * 8) + j];
                }

                p[(i * 8) + j] = old[(i * 8) + j] - acc;
            }
        }
    }

    /// <summary>
    /// Squared Mahalanobis distance between the projected state and a measured box, over (cx, cy, w, h).
    /// Compare with <see cref="ChiSquare95Dof4"/>; returns +∞ when the innovation covariance is singular.
    /// </summary>
    public static double GatingDistance(in KalmanState s, in BoxF box)
    {
        Span<double> sInv = stackalloc double[16];
        Project(s, sInv);
        if (!Invert4(sInv))
        {
            return double.PositiveInfinity;
        }

        Span<double> z = [box.CenterX - s.Mean[0], box.CenterY - s.Mean[1], box.Width - s.Mean[2], box.Height - s.Mean[3]];
        double d = 0;
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                d += z[i] * sInv[(i * 4) + j] * z[j];
            }
        }

        return d;
    }

    /// <summary>Innovation covariance S = H P Hᵀ + R into a 4x4 row-major span.</summary>
    private static void Project(in KalmanState s, Span<double> cov)
    {
        double rw = StdWeightPosition * s.Mean[2], rh = StdWeightPosition * s.Mean[3];
        for (int i = 0; i < 4; i++)
        {
            for (int j = 0; j < 4; j++)
            {
                cov[(i * 4) + j] = s.Covariance[(i * 8) + j];
            }
        }

        cov[0] += rw * rw;
        cov[5] += rh * rh;
        cov[10] += rw * rw;
        cov[15] += rh * rh;
    }

    /// <summary>Inverts a 4x4 matrix in place by Gauss-Jordan with partial pivoting; false when singular.</summary>
    private static bool Invert4(Span<double> a)
    {
        Span<double> inv = stackalloc double[16];
        inv.Clear();
        for (int i = 0; i < 4; i++)
        {
            inv[(i * 4) + i] = 1;
        }

        for (int c = 0; c < 4; c++)
        {
            int piv = c;
            for (int r = c + 1; r < 4; r++)
            {
                if (Math.Abs(a[(r * 4) + c]) > Math.Abs(a[(piv * 4) + c]))
                {
                    piv = r;
                }
            }

            double pv = a[(piv * 4) + c];
            if (Math.Abs(pv) < 1e-12 || !double.IsFinite(pv))
            {
                return false;
            }

            if (piv != c)
            {
                for (int j = 0; j < 4; j++)
                {
                    (a[(c * 4) + j], a[(piv * 4) + j]) = (a[(piv * 4) + j], a[(c * 4) + j]);
                    (inv[(c * 4) + j], inv[(piv * 4) + j]) = (inv[(piv * 4) + j], inv[(c * 4) + j]);
                }
            }

            double f = 1 / pv;
            for (int j = 0; j < 4; j++)
            {
                a[(c * 4) + j] *= f;
                inv[(c * 4) + j] *= f;
            }

            for (int r = 0; r < 4; r++)
            {
                if (r == c)
                {
                    continue;
                }

                double m = a[(r * 4) + c];
                if (m == 0)
                {
                    continue;
                }

                for (int j = 0; j < 4; j++)
                {
                    a[(r * 4) + j] -= m * a[(c * 4) + j];
                    inv[(r * 4) + j] -= m * inv[(c * 4) + j];
                }
            }
        }

        inv.CopyTo(a);
        return true;
    }
}
