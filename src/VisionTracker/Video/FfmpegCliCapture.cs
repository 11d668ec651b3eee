using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Decodes a stream with a child <c>ffmpeg</c> process (raw BGR24 on stdout). Used for rtsp/http because the pinned
/// OpenCvSharp Linux runtime's FFMPEG is built with <c>--disable-network</c>. Open and read timeouts are enforced
/// here by killing the process, whatever the protocol does.
/// </summary>
internal sealed class FfmpegCliCapture : ICapture
{
    private readonly Process _process;
    private readonly Stream _stdout;
    private readonly byte[] _frame;
    private readonly TimeSpan _readTimeout;
    private bool _havePrefetched;

    private FfmpegCliCapture(Process process, int width, int height, double fps, TimeSpan readTimeout)
    {
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
        Width = width;
        Height = height;
        Fps = fps;
        _readTimeout = readTimeout;
        _frame = new byte[checked(width * height * 3)];
    }

    public int Width { get; }

    public int Height { get; }

    public double Fps { get; }

    /// <summary>The <c>ffmpeg</c> executable on PATH, or null.</summary>
    public static string? FfmpegPath => FindOnPath("ffmpeg");

    /// <summary>Probes and starts decoding <paramref name="url"/>; null (with <paramref name="error"/>) when it does not deliver a first frame in time.</summary>
    public static FfmpegCliCapture? Open(string url, FrameSourceOptions options, out string? error)
    {
        string? ffmpeg = FindOnPath("ffmpeg");
        string? ffprobe = FindOnPath("ffprobe");
        if (ffmpeg is null || ffprobe is null)
        {
            error = "the ffmpeg and ffprobe tools are not installed (run scripts/setup.sh, or apt-get install ffmpeg)";
            return null;
        }

        var deadline = Stopwatch.StartNew();
        string[] timeoutArgs = TimeoutArgs(url, options.OpenTimeout);
        var probeArgs = new List<string> { "-v", "error" };
        probeArgs.AddRange(timeoutArgs);
        probeArgs.AddRange(["-select_streams", "v:0", "-show_entries", "stream=width,height,avg_frame_rate,r_frame_rate", "-of", "csv=p=0", url]);
        (int code, string stdout, string stderr) = Run(ffprobe, probeArgs, options.OpenTimeout);
        if (code != 0)
        {
            error = code == -1 ? "nothing answered in time" : FirstLine(stderr) ?? "ffprobe failed";
            return null;
        }

        string[] parts = stdout.Trim().Split('\n')[0].Split(',');
        if (parts.Length < 3 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w) || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h) || w <= 0 || h <= 0)
        {
            error = "it has no video stream";
            return null;
        }

        double fps = ParseRate(parts[2]) ?? (parts.Length > 3 ? ParseRate(parts[3]) : null) ?? 25;
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-loglevel", "error", .. TimeoutArgs(url, options.ReadTimeout), "-i", url, "-map", "0:v:0", "-an", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"])
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new VisionTrackerException($"Cannot start {ffmpeg}: check that ffmpeg runs.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var capture = new FfmpegCliCapture(process, w, h, fps, options.ReadTimeout);
        TimeSpan left = options.OpenTimeout - deadline.Elapsed;
        if (!capture.Fill(left > TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200)))
        {
            capture.Dispose();
            error = "no frame arrived in time";
            return null;
        }

        capture._havePrefetched = true;
        error = null;
        return capture;
    }

    public bool Read(Mat image)
    {
        if (!_havePrefetched && !Fill(_readTimeout))
        {
            return false;
        }

        _havePrefetched = false;
        image.Create(Height, Width, MatType.CV_8UC3);
        Marshal.Copy(_frame, 0, image.Data, _frame.Length);
        return true;
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    internal static string? FindOnPath(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string p = Path.Combine(dir, name);
            if (File.Exists(p))
            {
                return p;
            }
        }

        return null;
    }

    private static string[] TimeoutArgs(string url, TimeSpan timeout)
    {
        string us = ((long)timeout.TotalMicroseconds).ToString(CultureInfo.InvariantCulture);
        return url.StartsWith("rtsp", StringComparison.OrdinalIgnoreCase) ? ["-timeout", us] : ["-rw_timeout", us];
    }

    private static double? ParseRate(string s)
    {
        string[] nd = s.Trim().Split('/');
        if (nd.Length == 2 && double.TryParse(nd[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && double.TryParse(nd[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && n > 0 && d > 0)
        {
            return n / d;
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 ? v : null;
    }

    private static string? FirstLine(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();

    private static (int Code, string Stdout, string Stderr) Run(string exe, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new VisionTrackerException($"Cannot start {exe}: check that ffmpeg runs.");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            try
            {
                p.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            p.WaitForExit();
            return (-1, string.Empty, string.Empty);
        }

        p.WaitForExit();
        return (p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Reads one whole frame into <see cref="_frame"/> within <paramref name="timeout"/>; on timeout the process is killed.</summary>
    private bool Fill(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        int got = 0;
        while (got < _frame.Length)
        {
            TimeSpan left = timeout - clock.Elapsed;
            Task<int> read = _stdout.ReadAsync(_frame, got, _frame.Length - got);
            if (left <= TimeSpan.Zero || !read.Wait(left))
            {
                Kill();
                return false;
            }

            int n = read.Result;
            if (n <= 0)
            {
                return false;
            }

            got += n;
        }

        return true;
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
