using System.CommandLine;
using VisionTracker.Video;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack info SOURCE</c>: opens a source and prints its size, rate and length.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "Video file, camera index, rtsp/http URL or MOT sequence folder." };
        var cmd = new Command("info", "Open a source and print its frame count, size and fps.") { source };
        cmd.SetHandler(p =>
        {
            using var src = new VideoFileSource(p.GetRequiredValue(source));
            long n = 0;
            while (src.Read() is { } f)
            {
                f.Dispose();
                n++;
            }

            var i = src.Info;
            Console.WriteLine(FormattableString.Invariant($"{i.Name}: {n} frames, {i.Width}x{i.Height}, {i.Fps:0.##} fps"));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
