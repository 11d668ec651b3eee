using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VisionTracker.Monitor.Tests.Infrastructure;

/// <summary>
/// A test-owned <c>ffmpeg</c> that serves a clip, looped at its own frame rate, as an MPEG-TS stream over HTTP on a
/// loopback port (<c>-listen 1</c>: one client, then ffmpeg exits). <see cref="Stop"/> kills it (the outage);
/// <see cref="Start"/> starts it again on the same port. Disposing always kills it.
/// </summary>
internal sealed class FfmpegHttpServer : IDisposable
{
    private readonly string _clip;
    private readonly Queue<string> _log = new();
    private Process? _process;

    public FfmpegHttpServer(string clip)
    {
        _clip = clip;
        Port = FreeLoopbackPort();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/live.ts";

    /// <summary>The last lines ffmpeg wrote, for failure messages.</summary>
    public string RecentLog
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public bool IsRunning => _process is { HasExited: false };

    public void Start()
    {
        string ffmpeg = FindFfmpeg()
            ?? throw new InvalidOperationException("ffmpeg is not installed: run `bash scripts/setup.sh` (it installs Debian's ffmpeg package), then rerun the tests.");
        Stop();
        var psi = new ProcessStartInfo(ffmpeg) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in (string[])["-hide_banner", "-nostats", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", _clip, "-c", "copy", "-f", "mpegts", "-listen", "1", Url])
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {ffmpeg}.");
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Kills the server (and with it the client's connection) and waits for it to exit.</summary>
    public void Stop()
    {
        if (_process is not { } p)
        {
            return;
        }

        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            p.Dispose();
            _process = null;
        }
    }

    public void Dispose() => Stop();

    /// <summary>ffmpeg on PATH, as vtrack's stream reader finds it, or null.</summary>
    public static string? FindFfmpeg() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "ffmpeg"))
            .FirstOrDefault(File.Exists);

    private static int FreeLoopbackPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > 20)
            {
                _log.Dequeue();
            }
        }
    }
}
