using System.Runtime.InteropServices;
using System.Text;

namespace VisionTracker.Cli;

/// <summary>
/// Bounds the memory of the long-running commands (track, live, bench) by re-executing the process, in place (same
/// pid, same file descriptors), with <c>MALLOC_ARENA_MAX=2</c> and a 4 MiB .NET gen0 budget
/// (<c>DOTNET_GCgen0size=0x400000</c>) when the environment sets neither.
/// </summary>
/// <remarks>
/// <para>Arenas: every pipeline stage is a thread, and FFmpeg, OpenCV and ONNX Runtime allocate on all of them; glibc
/// gives each new thread its own arena (up to 8 per core), and the freed memory of those arenas is rarely returned.</para>
/// <para>Gen0 budget: the GC sizes its gen0 budget from the largest CPU cache, and on server CPUs (105 MiB of L3 on the
/// reference machine) that is tens of MB. The pipeline makes ~12 KB of short-lived garbage a frame with video on
/// (half of it OpenCvSharp's InputOutputArray wrapper, one per drawing call), so no GC ran at all for thousands of
/// frames and every byte of that garbage stayed resident: RSS climbed 15-20 KB a frame (+34% over 4182 frames)
/// although nothing leaked. With 4 MiB a gen0 GC runs every ~350 frames; a whole <c>vtrack bench</c> run did one more GC
/// than with the default budget (12 ms of GC pauses in all).
/// The runtime reads this knob only from the environment (not from runtimeconfig.json; measured), at start-up.</para>
/// <para>Both are read once, when the allocator and the GC start, so neither can be set from Main. The re-exec runs
/// before any command work, costs one runtime start (~0.1 s), and works the same for the apphost,
/// <c>dotnet vtrack.dll</c>, <c>dotnet run</c> (whose child is the apphost) and tool installs, because it replays
/// exactly the command line and environment the kernel started this process with (/proc/self/cmdline, /proc/self/environ).
/// Opt out with <c>VTRACK_MALLOC_ARENA_MAX=off</c>; a <c>MALLOC_ARENA_MAX</c> or <c>DOTNET_GCgen0size</c> the user
/// sets is respected (only the missing one is added).</para>
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

    /// <summary>The .NET GC's gen0 budget variable (hexadecimal bytes), read only from the environment.</summary>
    public const string Gen0Variable = "DOTNET_GCgen0size";

    /// <summary>The gen0 budget vtrack sets: 4 MiB.</summary>
    public const string Gen0Limit = "0x400000";

    // Set in the re-executed process to the variables vtrack added (comma-separated), so the summary can say who set what.
    private const string SetVariable = "VTRACK_REEXEC_SET";

    private static readonly string[] LongRunning = ["track", "live", "bench"];

    /// <summary>A one-line description for run summaries: the limit in force and who set it.</summary>
    public static string Describe() => Environment.GetEnvironmentVariable(Variable) is { } v
        ? SetByVtrack(Variable) ? $"{Variable}={v} (set by vtrack; {OptOutVariable}=off to keep glibc's default)" : $"{Variable}={v} (from the environment)"
        : $"glibc default ({OptOutVariable}=off or not Linux)";

    /// <summary>A one-line description of the GC's gen0 budget for run summaries: who set it, or the runtime's default.</summary>
    public static string DescribeGen0() => Gen0FromUser() is { } v
        ? SetByVtrack(Gen0Variable) ? $"gen0 budget {v} bytes ({Gen0Variable}, set by vtrack)" : $"gen0 budget {v} bytes (from the environment)"
        : "gen0 budget: .NET default (sized from the CPU cache)";

    /// <summary>
    /// Replaces this process with itself plus the arena limit and the gen0 budget when <paramref name="args"/> start a
    /// long-running command on Linux, the opt-out is not set and either is missing (only the missing ones are added). Returns (doing nothing) otherwise or when the
    /// re-exec is not possible; it never fails the command.
    /// </summary>
    public static void ReexecIfNeeded(string[] args)
    {
        if (!OperatingSystem.IsLinux() || args.Length == 0 || !LongRunning.Contains(args[0], StringComparer.Ordinal)
            || (Environment.GetEnvironmentVariable(Variable) is not null && Gen0FromUser() is not null)
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

        List<string> added = [];
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            envp.Add(Encoding.UTF8.GetBytes($"{Variable}={Limit}"));
            added.Add(Variable);
        }

        if (Gen0FromUser() is null)
        {
            envp.Add(Encoding.UTF8.GetBytes($"{Gen0Variable}={Gen0Limit}"));
            added.Add(Gen0Variable);
        }

        envp.Add(Encoding.UTF8.GetBytes($"{MarkerVariable}=1"));
        envp.Add(Encoding.UTF8.GetBytes($"{SetVariable}={string.Join(',', added)}"));
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

    // The runtime accepts DOTNET_ and the older COMPlus_ prefix.
    private static string? Gen0FromUser() => Environment.GetEnvironmentVariable(Gen0Variable) ?? Environment.GetEnvironmentVariable("COMPlus_GCgen0size");

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
