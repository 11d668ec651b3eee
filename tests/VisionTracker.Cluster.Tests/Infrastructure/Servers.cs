using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VisionTracker.Cluster.Tests.Infrastructure;

/// <summary>Free loopback ports and waiting for a port to accept connections.</summary>
internal static class Loopback
{
    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static bool WaitForPort(int port, Process owner, TimeSpan bound)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < bound && !owner.HasExited)
        {
            try
            {
                using var c = new TcpClient();
                c.Connect(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }

        return false;
    }

    public static string Find(string exe) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/usr/local/sbin", "/sbin"])
            .Select(d => Path.Combine(d, exe))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{exe} is not installed: run `bash scripts/setup.sh` (it installs Debian's {exe} package), then rerun the tests.");
}

/// <summary>A test-owned server process (nats-server, mosquitto) on a free loopback port, killed on dispose.</summary>
internal abstract class ServerProcess : IDisposable
{
    private readonly Queue<string> _log = new();
    private Process? _process;

    protected ServerProcess() => Port = Loopback.FreePort();

    public int Port { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    protected void Start(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(Loopback.Find(exe)) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException($"Cannot start {exe}.");
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        if (!Loopback.WaitForPort(Port, _process, TimeSpan.FromSeconds(30)))
        {
            string why = _process.HasExited ? $"exited with {_process.ExitCode}" : "is not listening after 30 s";
            Dispose();
            throw new InvalidOperationException($"{exe} on 127.0.0.1:{Port} {why}:\n{Log}");
        }
    }

    public virtual void Dispose()
    {
        if (_process is { } p)
        {
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

            p.Dispose();
            _process = null;
        }
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
            while (_log.Count > 200)
            {
                _log.Dequeue();
            }
        }
    }
}

/// <summary><c>nats-server [-js] -a 127.0.0.1 -p PORT -sd TMPDIR</c>: a real NATS (JetStream) server for one test.</summary>
internal sealed class NatsServer : ServerProcess
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vtrack-nats-" + Guid.NewGuid().ToString("N")[..12]);

    /// <param name="jetStream">Start with JetStream (-js).</param>
    /// <param name="extraArgs">More nats-server flags (for example --tls, --user, --pass).</param>
    public NatsServer(bool jetStream = true, IEnumerable<string>? extraArgs = null)
    {
        Directory.CreateDirectory(_dir);
        var args = new List<string> { "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (jetStream)
        {
            args.AddRange(["-js", "-sd", _dir]);
        }

        args.AddRange(extraArgs ?? []);

        Start("nats-server", args);
    }

    public string Url => $"nats://127.0.0.1:{Port}";

    public override void Dispose()
    {
        base.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A real mosquitto broker with a generated config: loopback listener, anonymous, no persistence.</summary>
internal sealed class MosquittoServer : ServerProcess
{
    private readonly string _conf = Path.Combine(Path.GetTempPath(), "vtrack-mosquitto-" + Guid.NewGuid().ToString("N")[..12] + ".conf");

    public MosquittoServer()
    {
        File.WriteAllText(_conf, $"listener {Port} 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Start("mosquitto", ["-c", _conf]);
    }

    public string Url => $"mqtt://127.0.0.1:{Port}";

    public override void Dispose()
    {
        base.Dispose();
        File.Delete(_conf);
    }
}
