using System.Diagnostics;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests.Infrastructure;

/// <summary>The built vtrack CLI as a child process (a worker, or a one-shot command), with its stderr kept.</summary>
internal sealed class Vtrack : IDisposable
{
    private readonly List<string> _err = [];
    private readonly List<string> _out = [];
    private readonly Process _process;

    private Vtrack(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vtrack.dll"));
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["VISIONTRACKER_DATA"] = TestData.Root;
        psi.Environment["CI"] = "1";
        _process = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start vtrack.");
        _process.ErrorDataReceived += (_, e) => Add(_err, e.Data);
        _process.OutputDataReceived += (_, e) => Add(_out, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public IReadOnlyList<string> StdErr => Snapshot(_err);

    public IReadOnlyList<string> StdOut => Snapshot(_out);

    public string Output => $"stdout:\n{string.Join('\n', StdOut)}\nstderr:\n{string.Join('\n', StdErr)}";

    public static Vtrack Start(params string[] args) => new(args);

    /// <summary>Runs a command to completion (bounded) and returns it.</summary>
    public static Vtrack Run(TimeSpan bound, params string[] args)
    {
        var v = new Vtrack(args);
        if (!v._process.WaitForExit(bound))
        {
            v.Dispose();
            throw new TimeoutException($"vtrack {string.Join(' ', args)} did not finish within {bound.TotalSeconds:0} s:\n{v.Output}");
        }

        v._process.WaitForExit();
        return v;
    }

    /// <summary>kill -9: no handler runs, nothing is acked or handed back.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, then wait for a clean exit.</summary>
    public bool Terminate(TimeSpan bound)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        bool exited = _process.WaitForExit(bound);
        if (exited)
        {
            _process.WaitForExit();
        }

        return exited;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static void Add(List<string> list, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (list)
        {
            list.Add(line);
        }
    }

    private static List<string> Snapshot(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }
}

/// <summary>Polling with a bound, failing with what was last seen.</summary>
internal static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, TimeSpan bound, Func<string> what)
        where T : class
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } v)
            {
                return v;
            }

            if (sw.Elapsed > bound)
            {
                Assert.Fail($"Not reached within {bound.TotalSeconds:0} s: {what()}");
            }

            await Task.Delay(250);
        }
    }
}
