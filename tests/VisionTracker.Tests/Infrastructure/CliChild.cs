using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VisionTracker.Tests.Infrastructure;

/// <summary>
/// The built vtrack.dll as a real child process (<c>dotnet vtrack.dll ...</c>) that tests can signal. It is started
/// through <c>env --default-signal=INT,TERM</c>, so SIGINT reaches it even when the test run itself was started
/// with SIGINT ignored (a background job of a script), which a child would otherwise inherit.
/// </summary>
internal sealed partial class CliChild : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    public CliChild(IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in (string[])["--default-signal=INT,TERM", "dotnet", Path.Combine(AppContext.BaseDirectory, "vtrack.dll"), .. args])
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["VISIONTRACKER_DATA"] = TestData.Root;
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
        {
            if (v is null)
            {
                psi.Environment.Remove(k);
            }
            else
            {
                psi.Environment[k] = v;
            }
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dotnet vtrack.dll");
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string StdOut
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StdErr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Frames done according to the last plain progress line ("frames N/T, ...") on stdout.</summary>
    public long ProgressFrames => ProgressLine().Matches(StdOut) is { Count: > 0 } m ? long.Parse(m[^1].Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    /// <summary>Waits until <paramref name="condition"/> holds; fails naming <paramref name="what"/> (with the child's output) when the child exits first or the bound passes.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan bound)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited)
            {
                Assert.Fail($"vtrack exited ({_process.ExitCode}) before {what}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
            }

            if (clock.Elapsed > bound)
            {
                Assert.Fail($"not within {bound.TotalSeconds:0} s: {what}.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
            }

            Thread.Sleep(200);
        }
    }

    /// <summary>Sends a real signal (INT, TERM, KILL) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", name, Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Closes the child's standard input (end of file).</summary>
    public void CloseStdin() => _process.StandardInput.Close();

    /// <summary>Waits for the exit and returns the exit code; fails when it takes longer than <paramref name="bound"/>.</summary>
    public int WaitForExit(TimeSpan bound)
    {
        if (!_process.WaitForExit(bound))
        {
            Assert.Fail($"vtrack did not exit within {bound.TotalSeconds:0} s.\nstdout:\n{StdOut}\nstderr:\n{StdErr}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>Every line of a JSON-lines file parses as a JSON object; returns the number of lines.</summary>
    public static int AssertJsonLines(string path)
    {
        string[] lines = File.ReadAllLines(path);
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        }

        return lines.Length;
    }

    /// <summary>ffprobe's codec, pixel format and decoded frame count of the first video stream.</summary>
    public static (string Codec, string PixelFormat, int Frames) Probe(string mp4)
    {
        var psi = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])["-v", "error", "-select_streams", "v:0", "-count_frames", "-show_entries", "stream=codec_name,pix_fmt,nb_read_frames", "-of", "default=noprint_wrappers=1", mp4])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException("ffprobe did not start");
        Task<string> err = p.StandardError.ReadToEndAsync();
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffprobe could not read {mp4}: {err.Result}");
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        return (fields.GetValueOrDefault("codec_name", "?"), fields.GetValueOrDefault("pix_fmt", "?"), int.Parse(fields.GetValueOrDefault("nb_read_frames", "-1"), CultureInfo.InvariantCulture));
    }

    /// <summary>The order of the top-level MP4 boxes ("ftyp", "moov", "mdat", ...).</summary>
    public static List<string> TopLevelBoxes(string mp4)
    {
        var boxes = new List<string>();
        using var fs = File.OpenRead(mp4);
        Span<byte> head = stackalloc byte[16];
        while (fs.Position + 8 <= fs.Length)
        {
            long start = fs.Position;
            fs.ReadExactly(head[..8]);
            long size = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(head);
            string type = Encoding.ASCII.GetString(head[4..8]);
            if (size == 1)
            {
                fs.ReadExactly(head[8..16]);
                size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(head[8..16]);
            }
            else if (size == 0)
            {
                size = fs.Length - start;
            }

            boxes.Add(type);
            if (size < 8)
            {
                break;
            }

            fs.Position = start + size;
        }

        return boxes;
    }

    private void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            sb.AppendLine(line);
        }
    }

    [GeneratedRegex(@"^frames (\d+)", RegexOptions.Multiline)]
    private static partial Regex ProgressLine();
}
