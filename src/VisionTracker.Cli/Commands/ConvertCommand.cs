using System.CommandLine;
using System.Globalization;
using VisionTracker.Annotations;

namespace VisionTracker.Cli.Commands;

/// <summary><c>vtrack convert IN OUT</c>: between MOT txt, CVAT for video 1.1 XML and COCO-video JSON.</summary>
internal static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("in") { Description = "Input track file: MOT .txt, CVAT .xml or COCO-video .json (recognised by extension or content)." };
        var output = new Argument<string>("out") { Description = "Output file; the format follows its extension (.txt, .xml, .json) unless --to is given." };
        var to = new Option<string?>("--to") { Description = "Output format: mot, cvat or coco (default: from the OUT extension)." };
        to.AcceptOnlyFromAmong("mot", "cvat", "coco");
        var width = new Option<int?>("--width") { Description = "Frame width in pixels (needed for CVAT/COCO when the input has no size and no seqinfo.ini)." };
        var height = new Option<int?>("--height") { Description = "Frame height in pixels." };
        var fps = new Option<double?>("--fps") { Description = "Frames per second." };
        var frames = new Option<int?>("--frames") { Description = "Number of frames in the video (default: seqinfo.ini or the last frame with a box)." };
        var interpolate = new Option<int>("--interpolate") { Description = "Fill track gaps of up to N missing frames by linear interpolation (0 = off).", DefaultValueFactory = _ => 0 };
        var smooth = new Option<double>("--smooth") { Description = "Smooth each track's boxes over time, a Gaussian of this sigma in seconds, after --interpolate (0 = off, the default here; vtrack track's exports use 0.05). Needs the frame rate (--fps or seqinfo.ini).", DefaultValueFactory = _ => 0 };
        var cmd = new Command("convert", "Convert track annotations between MOT, CVAT for video 1.1 and COCO-video.") { input, output, to, width, height, fps, frames, interpolate, smooth };
        cmd.SetHandler(p =>
        {
            string inPath = p.GetRequiredValue(input);
            string outPath = p.GetRequiredValue(output);
            AnnotationFormat format = p.GetValue(to) switch
            {
                "mot" => AnnotationFormat.Mot,
                "cvat" => AnnotationFormat.Cvat,
                "coco" => AnnotationFormat.CocoVideo,
                _ => AnnotationFiles.FromExtension(outPath) ?? throw new VisionTrackerException($"{outPath}: cannot tell the output format; use a .txt, .xml or .json name or pass --to mot|cvat|coco."),
            };

            var seq = AnnotationFiles.Read(inPath);
            if (p.GetValue(width) is int w)
            {
                seq.Width = w;
            }

            if (p.GetValue(height) is int h)
            {
                seq.Height = h;
            }

            if (p.GetValue(fps) is double f)
            {
                seq.Fps = f;
            }

            if (p.GetValue(frames) is int n)
            {
                seq.FrameCount = n;
            }

            if (format != AnnotationFormat.Mot && (seq.Width <= 0 || seq.Height <= 0))
            {
                throw new VisionTrackerException($"{inPath}: frame size unknown; pass --width and --height (or put seqinfo.ini beside the MOT file).");
            }

            int gap = p.GetValue(interpolate);
            if (gap < 0)
            {
                throw new VisionTrackerException("--interpolate must be 0 or more frames.");
            }

            if (gap > 0)
            {
                seq = GapInterpolation.Fill(seq, gap);
            }

            double sigma = ExportSinks.CheckSmoothSeconds(p.GetValue(smooth));

            if (sigma > 0 && !(seq.Fps > 0))
            {
                throw new VisionTrackerException($"{inPath}: frame rate unknown, so --smooth (seconds) cannot be turned into frames; pass --fps (or put seqinfo.ini beside the MOT file).");
            }

            seq = TrackSmoothing.Smooth(seq, sigma);

            AnnotationFiles.Write(outPath, seq, format);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outPath}: {seq.Rows.Count} boxes, {seq.Tracks().Count} tracks, {seq.LastFrame} frames ({format})"));
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
