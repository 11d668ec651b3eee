using System.Runtime.InteropServices;
using System.Text;

namespace VisionTracker.Cli;

/// <summary>
/// Caps glibc's malloc arenas for the long-running commands (track, live, bench) by re-executing the process, in
/// place (same pid, same file descriptors), with <c>MALLOC_ARENA_MAX=2</c> when the environment does not set it.
/// </summary>
/// <remarks>
/// Every pipeline stage is a thread, and FFmpeg, OpenCV and ONNX Runtime allocate on all of them; glibc gives each
/// new thread its own arena (up to 8 per core), and the freed memory of those arenas is rarely returned, so resident
/// memory crept up by 12% over a long run with video output. glibc reads the limit once, when its allocator starts,
/// so it cannot be set from Main (mallopt there came too late: the runtime's threads had made their arenas). The
/// re-exec runs before any command work, costs one runtime start (~0.1 s), and works the same for the apphost,
/// <c>dotnet vtrack.dll</c>, <c>dotnet run</c> (whose child is the apphost) and tool installs, because it replays
/// exactly the command line and environment the kernel started this process with (/proc/self/cmdline, /proc/self/environ).
/// Opt out with <c>VTRACK_MALLOC_ARENA_MAX=off</c>; any <c>MALLOC_ARENA_MAX</c> the user sets is respected.
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

    private static readonly string[] LongRunning = ["track", "live", "bench"];

    /// <summary>A one-line description for run summaries: the limit in force and who set it.</summary>
    public static string Describe() => Environment.GetEnvironmentVariable(Variable) is { } v
        ? Environment.GetEnvironmentVariable(MarkerVariable) == "1" ? $"{Variable}={v} (set by vtrack; {OptOutVariable}=off to keep glibc's default)" : $"{Variable}={v} (from the environment)"
        : $"glibc default ({OptOutVariable}=off or not Linux)";

    /// <summary>
    /// Replaces this process with itself plus the arena limit when <paramref name="args"/> start a long-running
    /// command on Linux and neither the limit nor the opt-out is set. Returns (doing nothing) otherwise or when the
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
