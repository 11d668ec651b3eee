using System.Diagnostics;
using VisionTracker.Annotations;
using VisionTracker.Tests.Infrastructure;
using Xunit.Abstractions;

namespace VisionTracker.Tests.Cli;

/// <summary>
/// Issue 16: `dotnet pack` makes a `vtrack` .NET tool that installs into a tool path (offline, from the packed folder
/// only) and runs from an unrelated working directory with VISIONTRACKER_DATA holding models but no models.json.
/// </summary>
[Trait("Category", Categories.RealData)]
public sealed class ToolPackageTests(ITestOutputHelper output)
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public void PackedTool_InstallsAndRuns_FromAnotherFolder()
    {
        string data = TestData.Root;
        Assert.False(File.Exists(Path.Combine(data, "models", "models.json")), "the data folder holds a models.json: this test must prove the embedded one is used");
        string video = TestData.Video("bottle-detection.mp4");
        using var tmp = TestData.TempDir();
        string artifacts = Path.Combine(tmp.Path, "artifacts");
        string toolPath = Path.Combine(tmp.Path, "tools");
        string work = Path.Combine(tmp.Path, "work");
        Directory.CreateDirectory(work);

        // The test project built vtrack already (project reference): pack that build, offline.
        var pack = Run("dotnet", TestData.RepoRoot, null, "pack", Path.Combine("src", "VisionTracker.Cli"), "-c", Configuration, "--no-build", "-o", artifacts);
        Assert.True(pack.Code == 0, pack.Out + pack.Err);
        string nupkg = Directory.GetFiles(artifacts, "vtrack.*.nupkg").Single();
        string version = Path.GetFileNameWithoutExtension(nupkg)["vtrack.".Length..];
        output.WriteLine($"{nupkg}: {new FileInfo(nupkg).Length:N0} bytes");

        // Install from that folder only (a nuget.config that clears every other source), into a throw-away package cache.
        string config = Path.Combine(tmp.Path, "nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /><add key="artifacts" value="{artifacts}" /></packageSources></configuration>
            """);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(tmp.Path, "packages") };
        var install = Run("dotnet", tmp.Path, env, "tool", "install", "--tool-path", toolPath, "--configfile", config, "vtrack", "--version", version);
        Assert.True(install.Code == 0, install.Out + install.Err);
        string vtrack = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "vtrack.exe" : "vtrack");
        Assert.True(File.Exists(vtrack), $"no {vtrack} after install: {install.Out}");

        var runEnv = new Dictionary<string, string> { ["VISIONTRACKER_DATA"] = data };
        var info = Run(vtrack, work, runEnv, "info");
        Assert.True(info.Code == 0, info.Err);
        Assert.Contains("models manifest: embedded", info.Out, StringComparison.Ordinal);

        var list = Run(vtrack, work, runEnv, "models", "list");
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains("deimv2-femto", list.Out, StringComparison.Ordinal);
        Assert.Contains("manifest: embedded", list.Out, StringComparison.Ordinal);

        var detect = Run(vtrack, work, runEnv, "detect", video, "--frames", "5");
        Assert.True(detect.Code == 0, detect.Err);
        string[] lines = detect.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Contains("\"name\":\"bottle\"", l, StringComparison.Ordinal));

        var track = Run(vtrack, work, runEnv, "track", video, "--frames", "30", "--classes", "bottle", "--export", "mot", "--out", "run");
        Assert.True(track.Code == 0, track.Err);
        var mot = MotChallengeFormat.Read(Path.Combine(work, "run", "bottle-detection.mot.txt"));
        Assert.Equal(30, mot.Rows.Max(r => r.Frame));
        Assert.True(mot.Rows.Count >= 60, $"only {mot.Rows.Count} bottle boxes in 30 frames");
    }

    private (int Code, string Out, string Err) Run(string file, string workingDirectory, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        // The test host runs under MSBuild/VSTest: don't let their settings leak into the child dotnet.
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        output.WriteLine($"$ {Path.GetFileName(file)} {string.Join(' ', args)} -> {p.ExitCode}");
        return (p.ExitCode, stdout.Result, err);
    }
}
