using System.Diagnostics;

namespace VisionTracker.Tests.Infrastructure;

/// <summary>Runs the built vtrack.dll in a child process and captures its output.</summary>
internal static class ProcessCliRunner
{
    public static (int ExitCode, string StdOut, string StdErr) Run(params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "vtrack.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var outTask = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, outTask.Result, err);
    }
}
