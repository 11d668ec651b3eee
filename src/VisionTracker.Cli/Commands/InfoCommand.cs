using System.CommandLine;
using System.Globalization;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack info SOURCE [--start N] [--end N] [--stride N]</c>: opens any source, reads it and prints frames read, size and fps.</summary>
internal static class InfoCommand
{
    /// <summary>Frames read from a live source when no --end is given (a camera never ends).</summary>
    private const long LiveDefaultFrames = 100;

    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Video file, camera index, rtsp/http URL or MOT sequence folder." };
        var start = new Option<long>("--start") { Description = "First frame to read (0-based, inclusive).", DefaultValueFactory = _ => 0 };
        var end = new Option<long?>("--end") { Description = "Frame to stop at (0-based, exclusive); default: the end (100 frames for cameras and streams)." };
        var stride = new Option<int>("--stride") { Description = "Read every Nth frame.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("info", "Open a source, read it, and print frames read, size and fps.") { source, start, end, stride };
        cmd.SetHandler((p, ct) =>
        {
            string spec = p.GetRequiredValue(source);
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
}
