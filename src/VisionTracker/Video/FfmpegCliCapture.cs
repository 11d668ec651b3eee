using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Decodes a stream with a child <c>ffmpeg</c> process (raw BGR24 on stdout). Used for rtsp/http because the pinned
/// OpenCvSharp Linux runtime's FFMPEG is built with <c>--disable-network</c>. Open and read timeouts are enforced
/// here by killing the process, whatever the protocol does.
/// </summary>
internal sealed partial class FfmpegCliCapture : ICapture
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

    /// <summary>
    /// How much of the stream ffmpeg studies before it starts decoding: 1 s, not its 5 s default, which on a live
    /// MPEG-TS stream costs 5 s of real time and alone used up the whole default open timeout.
    /// </summary>
    private const string AnalyzeMicroseconds = "1000000";

    public int Width { get; }

    public int Height { get; }

    public double Fps { get; }

    /// <summary>The <c>ffmpeg</c> executable on PATH, or null.</summary>
    public static string? FfmpegPath => FindOnPath("ffmpeg");

    /// <summary>Starts decoding <paramref name="url"/>; null (with <paramref name="error"/>) when it does not deliver a first frame in time.</summary>
    /// <remarks>
    /// One connection only: the frame size and rate come from the decoding ffmpeg's own description of its output,
    /// not from a separate ffprobe, so single-client servers (a camera that allows one viewer, <c>ffmpeg -listen 1</c>)
    /// open and reopen like any other.
    /// </remarks>
    public static FfmpegCliCapture? Open(string url, FrameSourceOptions options, out string? error)
    {
        string? ffmpeg = FindOnPath("ffmpeg");
        if (ffmpeg is null)
        {
            error = "the ffmpeg tool is not installed (run scripts/setup.sh, or apt-get install ffmpeg)";
            return null;
        }

        var deadline = Stopwatch.StartNew();
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", .. TimeoutArgs(url, options.ReadTimeout), "-analyzeduration", AnalyzeMicroseconds, "-i", url, "-map", "0:v:0", "-an", "-f", "rawvideo", "-pix_fmt", "bgr24", "-"])
        {
            psi.ArgumentList.Add(a);
        }

        var process = Process.Start(psi) ?? throw new VisionTrackerException($"Cannot start {ffmpeg}: check that ffmpeg runs.");
        var log = new OutputDescription();
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.BeginErrorReadLine();
        TimeSpan openLeft = options.OpenTimeout - deadline.Elapsed;
        Task<(int Width, int Height, double Fps)?> described = log.Described;
        if (!described.Wait(openLeft > TimeSpan.Zero ? openLeft : TimeSpan.Zero) || described.Result is not { } d)
        {
            bool timedOut = !described.IsCompleted;
            KillAndDispose(process);
            error = timedOut ? "nothing answered in time" : log.LastLine ?? "ffmpeg could not read it";
            return null;
        }

        var capture = new FfmpegCliCapture(process, d.Width, d.Height, d.Fps > 0 ? d.Fps : 25, options.ReadTimeout);
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

    private static void KillAndDispose(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }

    /// <summary>
    /// Reads ffmpeg's log for the description of its output stream (size and rate of the raw frames it writes), and
    /// keeps the last line for error messages.
    /// </summary>
    private sealed partial class OutputDescription
    {
        private readonly TaskCompletionSource<(int Width, int Height, double Fps)?> _described = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _inOutput;

        public Task<(int Width, int Height, double Fps)?> Described => _described.Task;

        public string? LastLine { get; private set; }

        public void Add(string? line)
        {
            if (line is null)
            {
                // ffmpeg closed stderr (it exited) before describing its output.
                _described.TrySetResult(null);
                return;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            LastLine = line.Trim();
            if (line.StartsWith("Output #0", StringComparison.Ordinal))
            {
                _inOutput = true;
                return;
            }

            if (!_inOutput || !line.Contains("Video: rawvideo", StringComparison.Ordinal))
            {
                return;
            }

            Match size = SizePattern().Match(line);
            Match fps = FpsPattern().Match(line);
            if (size.Success
                && int.TryParse(size.Groups[1].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int w)
                && int.TryParse(size.Groups[2].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int h)
                && w > 0 && h > 0)
            {
                double rate = fps.Success && double.TryParse(fps.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) ? r : 0;
                _described.TrySetResult((w, h, rate));
            }
            else
            {
                _described.TrySetResult(null);
                LastLine = "it has no video stream";
            }
        }

        [GeneratedRegex(@", (\d{1,5})x(\d{1,5})[ ,\[]")]
        private static partial Regex SizePattern();

        [GeneratedRegex(@", (\d+(?:\.\d+)?) fps")]
        private static partial Regex FpsPattern();
    }
}
