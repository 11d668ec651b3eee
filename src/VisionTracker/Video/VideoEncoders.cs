using System.Diagnostics;
using System.Globalization;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>Appends BGR frames to a video file; <see cref="Finish"/> writes the trailer and reports failures.</summary>
internal interface IFrameEncoder : IDisposable
{
    /// <summary>Gets what encodes the file, for summaries (e.g. "H.264 (libx264 via ffmpeg)").</summary>
    string Description { get; }

    /// <summary>Appends one continuous BGR24 frame of the encoder's size.</summary>
    void Write(Mat bgr);

    /// <summary>Completes the file; throws <see cref="VisionTrackerException"/> when the encoder failed.</summary>
    void Finish();
}

/// <summary>Chooses and opens the encoder of the annotated video.</summary>
internal static class FrameEncoders
{
    private static readonly Lazy<bool> FfmpegHasX264 = new(ProbeX264);

    /// <summary>
    /// Opens <paramref name="codec"/>: <c>auto</c> is H.264 through the system ffmpeg when it is on PATH with libx264,
    /// else mp4v through OpenCV; <c>h264</c> requires ffmpeg; any other four characters are an OpenCV fourcc.
    /// </summary>
    public static IFrameEncoder Open(string path, int width, int height, double fps, string codec)
    {
        bool auto = string.Equals(codec, "auto", StringComparison.OrdinalIgnoreCase);
        if (auto || string.Equals(codec, "h264", StringComparison.OrdinalIgnoreCase))
        {
            if (FfmpegCliCapture.FfmpegPath is { } ffmpeg && FfmpegHasX264.Value)
            {
                return new FfmpegH264Encoder(ffmpeg, path, width, height, fps);
            }

            if (!auto)
            {
                throw new VisionTrackerException($"{path}: H.264 output needs the ffmpeg tool with libx264 on PATH (run scripts/setup.sh, or apt-get install ffmpeg), or use mp4v.");
            }

            return new OpenCvFrameEncoder(path, width, height, fps, "mp4v", "mp4v (OpenCV; no ffmpeg with libx264 on PATH, so browsers may not play it)");
        }

        if (codec.Length != 4)
        {
            throw new VisionTrackerException($"video codec '{codec}' must be auto, h264 or a 4-character OpenCV fourcc such as mp4v.");
        }

        return new OpenCvFrameEncoder(path, width, height, fps, codec, $"{codec} (OpenCV)");
    }

    private static bool ProbeX264()
    {
        if (FfmpegCliCapture.FfmpegPath is not { } ffmpeg)
        {
            return false;
        }

        try
        {
            var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in (string[])["-hide_banner", "-nostdin", "-encoders"])
            {
                psi.ArgumentList.Add(a);
            }

            using var p = Process.Start(psi);
            if (p is null)
            {
                return false;
            }

            Task<string> err = p.StandardError.ReadToEndAsync();
            string list = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10_000);
            _ = err.Result;
            return list.Contains(" libx264 ", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

/// <summary>OpenCV's VideoWriter (the pinned Linux runtime encodes mp4v, not H.264).</summary>
internal sealed class OpenCvFrameEncoder : IFrameEncoder
{
    private readonly VideoWriter _writer;
    private bool _finished;

    public OpenCvFrameEncoder(string path, int width, int height, double fps, string fourcc, string description)
    {
        Description = description;
        _writer = new VideoWriter(path, FourCC.FromString(fourcc), fps, new Size(width, height));
        if (!_writer.IsOpened())
        {
            _writer.Dispose();
            throw new VisionTrackerException($"{path}: OpenCV could not open a video writer with fourcc '{fourcc}'; use auto (H.264 through ffmpeg) or mp4v, and a writable folder.");
        }
    }

    public string Description { get; }

    public void Write(Mat bgr) => _writer.Write(bgr);

    public void Finish()
    {
        if (!_finished)
        {
            _finished = true;
            _writer.Release();
        }
    }

    public void Dispose()
    {
        Finish();
        _writer.Dispose();
    }
}

/// <summary>
/// Pipes raw BGR24 frames to the system <c>ffmpeg</c>, which encodes H.264 (libx264, yuv420p, +faststart: plays in
/// browsers and streams from the first byte). ffmpeg runs in its own session, so a Ctrl+C at the terminal reaches
/// vtrack alone, which then closes the pipe and lets ffmpeg write the trailer. If vtrack is killed, ffmpeg sees the
/// pipe close and still completes the file it was writing.
/// </summary>
internal sealed class FfmpegH264Encoder : IFrameEncoder
{
    private const int KeepLogLines = 8;
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Queue<string> _log = new();
    private readonly string _path;
    private readonly int _frameBytes;
    private bool _finished;
    private bool _failed;

    public FfmpegH264Encoder(string ffmpeg, string path, int width, int height, double fps)
    {
        _path = path;
        _frameBytes = checked(width * height * 3);
        string? setsid = FfmpegCliCapture.FindOnPath("setsid");
        var psi = new ProcessStartInfo(setsid ?? ffmpeg) { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = false, UseShellExecute = false };
        var ic = CultureInfo.InvariantCulture;
        List<string> args = [
            "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", string.Create(ic, $"{width}x{height}"), "-framerate", fps.ToString("0.######", ic), "-i", "pipe:0",
            "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        ];
        if (width % 2 != 0 || height % 2 != 0)
        {
            // yuv420p needs even sizes: pad by one black column or row rather than scale.
            args.AddRange(["-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2"]);
        }

        args.AddRange(["-movflags", "+faststart", "-f", "mp4", "-y", path]);
        if (setsid is not null)
        {
            psi.ArgumentList.Add(ffmpeg);
        }

        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new VisionTrackerException($"Cannot start {ffmpeg} to encode {path}: check that ffmpeg runs.");
        _process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrWhiteSpace(e.Data))
            {
                lock (_log)
                {
                    _log.Enqueue(e.Data.Trim());
                    while (_log.Count > KeepLogLines)
                    {
                        _log.Dequeue();
                    }
                }
            }
        };
        _process.BeginErrorReadLine();
        _stdin = _process.StandardInput.BaseStream;
    }

    public string Description => "H.264 (libx264 via ffmpeg, yuv420p, faststart)";

    public unsafe void Write(Mat bgr)
    {
        if (_failed)
        {
            throw Failure("it stopped earlier");
        }

        if (!bgr.IsContinuous() || (long)bgr.Total() * bgr.ElemSize() != _frameBytes)
        {
            throw new VisionTrackerException($"{_path}: frame is not a continuous BGR image of the video's size.");
        }

        try
        {
            _stdin.Write(new ReadOnlySpan<byte>((void*)bgr.Data, _frameBytes));
        }
        catch (IOException ex)
        {
            _failed = true;
            _process.WaitForExit(5000);
            throw Failure(ex.Message);
        }
    }

    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        try
        {
            _stdin.Dispose(); // End of input: ffmpeg flushes the encoder, writes the index and moves it to the front.
        }
        catch (IOException)
        {
            _failed = true;
        }

        if (!_process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            _process.Kill(entireProcessTree: true);
            throw Failure("it did not finish within 2 minutes");
        }

        _process.WaitForExit(); // Drains the stderr reader.
        if (_failed || _process.ExitCode != 0)
        {
            throw Failure(string.Create(CultureInfo.InvariantCulture, $"exit code {_process.ExitCode}"));
        }
    }

    public void Dispose()
    {
        try
        {
            Finish();
        }
        catch (VisionTrackerException)
        {
            // Reported by Finish when the caller completed the writer; Dispose only releases.
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private VisionTrackerException Failure(string why)
    {
        string log;
        lock (_log)
        {
            log = _log.Count == 0 ? string.Empty : ": " + string.Join(" | ", _log);
        }

        return new VisionTrackerException($"{_path}: the ffmpeg H.264 encoder failed ({why}){log}");
    }
}
