using System.Runtime.InteropServices;
using System.Text;

namespace VisionTracker.Cli;

/// <summary>
/// Bounds the native memory of the long-running commands (track, live, bench, worker) by re-executing the process, in place
/// (same pid, same file descriptors), with <c>MALLOC_ARENA_MAX=2</c> when the environment does not set it; and
/// describes the .NET gen0 budget, which vtrack.runtimeconfig.json caps at 4 MiB for every command.
/// </summary>
/// <remarks>
/// <para>Arenas: every pipeline stage is a thread, and FFmpeg, OpenCV and ONNX Runtime allocate on all of them; glibc
/// gives each new thread its own arena (up to 8 per core), and the freed memory of those arenas is rarely returned.</para>
/// <para>Gen0 budget: the GC sizes its gen0 budget from the largest CPU cache, and on server CPUs (105 MiB of L3 on the
/// reference machine) that is tens of MB. The pipeline makes ~12 KB of short-lived garbage a frame with video on
/// (half of it OpenCvSharp's InputOutputArray wrapper, one per drawing call), so no GC ran at all for thousands of
/// frames and every byte of that garbage stayed resident: RSS climbed 15-20 KB a frame (+34% over 4182 frames)
/// although nothing leaked. With 4 MiB a gen0 GC runs every ~350 frames; a whole <c>vtrack bench</c> run did one more GC
/// than with the default budget (12 ms of GC pauses in all). <c>DOTNET_GCgen0size</c> is read only from the environment,
/// but .NET 10's <c>System.GC.Gen0MaxBudget</c> is read from runtimeconfig.json (measured: 61 gen0 GCs instead of 4
/// for 250 MB of garbage), so the CLI project sets it there (<c>RuntimeHostConfigurationOption</c>) and it applies
/// without a re-exec, for every command. <c>DOTNET_GCGen0MaxBudget</c> (hexadecimal; note the capital G) in the environment
/// overrides it.</para>
/// <para>The arena limit is read once, when the allocator starts, so it cannot be set from Main. The re-exec runs
/// before any command work, costs one runtime start (~0.1 s), and works the same for the apphost,
/// <c>dotnet vtrack.dll</c>, <c>dotnet run</c> (whose child is the apphost) and tool installs, because it replays
/// exactly the command line and environment the kernel started this process with (/proc/self/cmdline, /proc/self/environ).
/// Opt out with <c>VTRACK_MALLOC_ARENA_MAX=off</c>; a <c>MALLOC_ARENA_MAX</c> the user sets is respected (no re-exec).</para>
/// </remarks>
internal static partial class MallocArenaLimit
{
    /// <summary>glibc's variable.</summary>
    public const string Variable = "MALLOC_ARENA_MAX";

    /// <summary>Set to <c>off</c> to keep glibc's default arenas (no re-exec).</summary>
    public const string OptOutVariable = "VTRACK_MALLOC_ARENA_MAX";

    /// <summary>The arena limit vtrack sets: two, one per core of the reference machine.</summary>
    public const string Limit = "2";

    /// <summary>Set in the re-executed process, so that it can say where its arena limit came from.</summary>
    public const string MarkerVariable = "VTRACK_REEXEC";

    /// <summary>The runtimeconfig.json property that caps the GC's gen0 budget (set by the CLI project).</summary>
    public const string Gen0ConfigProperty = "System.GC.Gen0MaxBudget";

    // Set in the re-executed process to the variables vtrack added (comma-separated), so the summary can say who set what.
    private const string SetVariable = "VTRACK_REEXEC_SET";

    private static readonly string[] LongRunning = ["track", "live", "bench", "worker"];

    /// <summary>A one-line description for run summaries: the limit in force and who set it.</summary>
    public static string Describe() => Environment.GetEnvironmentVariable(Variable) is { } v
        ? SetByVtrack(Variable) ? $"{Variable}={v} (set by vtrack; {OptOutVariable}=off to keep glibc's default)" : $"{Variable}={v} (from the environment)"
        : $"glibc default ({OptOutVariable}=off or not Linux)";

    /// <summary>
    /// A one-line description of the GC's gen0 budget for run summaries, as the GC itself reports it
    /// (<see cref="GC.GetConfigurationVariables"/>), and where it came from.
    /// </summary>
    public static string DescribeGen0()
    {
        var gc = GC.GetConfigurationVariables();
        long cap = gc.TryGetValue("GCGen0MaxBudget", out object? v) ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : 0;
        string source = Environment.GetEnvironmentVariable("DOTNET_GCGen0MaxBudget") is not null || Environment.GetEnvironmentVariable("COMPlus_GCGen0MaxBudget") is not null
            ? "from the environment"
            : AppContext.GetData(Gen0ConfigProperty) is not null ? "vtrack.runtimeconfig.json" : "";
        string text = cap > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"gen0 budget at most {cap / 1048576.0:0.##} MiB ({source})") : "gen0 budget: .NET default (sized from the CPU cache)";
        string? size = Environment.GetEnvironmentVariable("DOTNET_GCgen0size") ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size");
        return size is null ? text : $"{text}; GCgen0size {size} (from the environment)";
    }

    /// <summary>
    /// Replaces this process with itself plus the arena limit when <paramref name="args"/> start a long-running command
    /// on Linux, the opt-out is not set and the environment has no arena limit. Returns (doing nothing) otherwise or when the
    /// re-exec is not possible; it never fails the command.
    /// </summary>
    public static void ReexecIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0 || !LongRunning.Contains(args[0], StringComparer.Ordinal)
            || Environment.GetEnvironmentVariable(Variable) is not null
            || string.Equals(Environment.GetEnvironmentVariable(OptOutVariable), "off", StringComparison.OrdinalIgnoreCase)
            || Environment.GetEnvironmentVariable(MarkerVariable) == "1")
        {
            return;
        }

        byte[] cmdline, environ;
        try
        {
            cmdline = File.ReadAllBytes("/proc/self/cmdline");
            environ = File.ReadAllBytes("/proc/self/environ");
        }
        catch (IOException)
        {
            return;
        }
        catch (UnauthorizedAccessException)
        {
            return;
        }

        List<byte[]> argv = Split(cmdline);
        List<byte[]> envp = Split(environ);
        if (argv.Count == 0)
        {
            return;
        }

        envp.Add(Encoding.UTF8.GetBytes($"{Variable}={Limit}"));
        envp.Add(Encoding.UTF8.GetBytes($"{MarkerVariable}=1"));
        envp.Add(Encoding.UTF8.GetBytes($"{SetVariable}={Variable}"));
        var allocated = new List<IntPtr>();
        try
        {
            IntPtr path = Native(Encoding.UTF8.GetBytes("/proc/self/exe"), allocated);
            IntPtr[] a = [.. argv.Select(b => Native(b, allocated)), IntPtr.Zero];
            IntPtr[] e = [.. envp.Select(b => Native(b, allocated)), IntPtr.Zero];
            Console.Out.Flush();
            Console.Error.Flush();
            _ = Execve(path, a, e); // Returns only on failure: carry on with glibc's default arenas.
            if (Environment.GetEnvironmentVariable("VTRACK_DEBUG") == "1")
            {
                Console.Error.WriteLine($"debug: re-exec with {Variable}={Limit} failed (errno {Marshal.GetLastPInvokeError()}); running with glibc's default arenas.");
            }
        }
        catch (DllNotFoundException)
        {
        }
        catch (EntryPointNotFoundException)
        {
        }
        finally
        {
            foreach (IntPtr p in allocated)
            {
                Marshal.FreeHGlobal(p);
            }
        }
    }

    private static bool SetByVtrack(string variable) =>
        Environment.GetEnvironmentVariable(MarkerVariable) == "1"
        && (Environment.GetEnvironmentVariable(SetVariable) ?? string.Empty).Split(',').Contains(variable, StringComparer.Ordinal);

    private static List<byte[]> Split(byte[] block)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i < block.Length; i++)
        {
            if (block[i] == 0)
            {
                parts.Add(block[start..i]);
                start = i + 1;
            }
        }

        if (start < block.Length)
        {
            parts.Add(block[start..]);
        }

        return parts;
    }

    private static IntPtr Native(byte[] bytes, List<IntPtr> allocated)
    {
        IntPtr p = Marshal.AllocHGlobal(bytes.Length + 1);
        allocated.Add(p);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        Marshal.WriteByte(p, bytes.Length, 0);
        return p;
    }

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true)]
    private static partial int Execve(IntPtr path, IntPtr[] argv, IntPtr[] envp);
}
