using System.CommandLine;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using VisionTracker.Data;
using VisionTracker.Detection;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack info [SOURCE] [--start N] [--end N] [--stride N]</c>: opens any source, reads it and prints frames read, size
/// and fps; without a source, prints the version, the data folders and which manifests are used.
/// </summary>
internal static class InfoCommand
{
    /// <summary>Frames read from a live source when no --end is given (a camera never ends).</summary>
    private const long LiveDefaultFrames = 100;

    public static Command Create()
    {
        var source = new Argument<string?>("source") { Description = SourceHelp.Text + " Without one, prints the version, the data folders and which models.json/videos.json are used (embedded or an override file).", Arity = ArgumentArity.ZeroOrOne };
        var start = new Option<long>("--start") { Description = "First frame to read (0-based, inclusive).", DefaultValueFactory = _ => 0 };
        var end = new Option<long?>("--end") { Description = "Frame to stop at (0-based, exclusive); default: the end (100 frames for cameras and streams)." };
        var stride = new Option<int>("--stride") { Description = "Read every Nth frame.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("info", "Open a source, read it, and print frames read, size and fps; without a source, show the version, data folders and manifests in use.") { source, start, end, stride };
        cmd.SetHandler((p, ct) =>
        {
            if (p.GetValue(source) is not { } spec)
            {
                PrintEnvironment();
                return Task.FromResult(ExitCodes.Ok);
            }

            var options = new FrameSourceOptions { StartFrame = p.GetValue(start), EndFrame = p.GetValue(end), Stride = p.GetValue(stride) };
            if (options.EndFrame is null && (FrameSource.IsStreamUrl(spec) || (!File.Exists(spec) && spec.Length > 0 && spec.All(char.IsAsciiDigit))))
            {
                options = options with { EndFrame = options.StartFrame + (LiveDefaultFrames * options.Stride) };
            }

            using var src = FrameSource.Open(spec, options);
            long n = 0;
            long first = -1, last = -1;
            while (src.Read(ct) is { } f)
            {
                if (first < 0)
                {
                    first = f.Index;
                }

                last = f.Index;
                f.Dispose();
                n++;
            }

            var i = src.Info;
            string range = n > 0 ? string.Create(CultureInfo.InvariantCulture, $" (source frames {first}..{last}, stride {options.Stride})") : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{i.Name}: {n} frames read{range}, {i.Width}x{i.Height}, {i.Fps:0.##} fps, {i.Kind}"));
            return Task.FromResult(ExitCodes.Ok);
        });
        return cmd;
    }

    /// <summary>The tool's version (the package version, without the source revision).</summary>
    internal static string ProductVersion
    {
        get
        {
            string v = typeof(InfoCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            int plus = v.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? v : v[..plus];
        }
    }

    /// <summary>The version, the data root, and where each manifest and model comes from.</summary>
    internal static void PrintEnvironment()
    {
        Console.WriteLine($"vtrack {ProductVersion}");
        Console.WriteLine($"data root: {DataPaths.DataRoot ?? $"(not set: {DataPaths.EnvironmentVariable})"}");
        var models = ModelManifest.LoadDefault();
        Console.WriteLine($"models manifest: {models.Origin} ({models.Models.Count} models; overrides: {string.Join(", ", Manifests.OverrideCandidates("models", ModelManifest.FileName))})");
        var (videosJson, videosOrigin) = Manifests.Read("videos", "videos.json");
        int clips = 0;
        try
        {
            using var doc = JsonDocument.Parse(videosJson);
            clips = doc.RootElement.TryGetProperty("videos", out var v) && v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() : 0;
        }
        catch (JsonException ex)
        {
            throw new VisionTrackerException($"Video manifest {videosOrigin} is not valid JSON ({ex.Message}): fix or remove it.", ex);
        }

        Console.WriteLine($"videos manifest: {videosOrigin} ({clips} clips; overrides: {string.Join(", ", Manifests.OverrideCandidates("videos", "videos.json"))})");
        Console.WriteLine($"model folders: {string.Join(", ", DataPaths.SearchFolders("models"))}");
    }
}
