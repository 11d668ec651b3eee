using System.Globalization;
using ScottPlot;

namespace VisionTracker.SoakPlot;

/// <summary>
/// Renders the CSV that scripts/soak.sh samples (time, RSS, fps, frames, dropped, reconnects, events) to a PNG:
/// RSS and fps over time, with a dashed line at every reconnect and the run's figures in the title.
/// </summary>
internal static class Program
{
    /// <summary><c>soak-plot SAMPLES.csv OUT.png [TITLE]</c>; exit 2 on a missing or malformed CSV.</summary>
    public static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: soak-plot SAMPLES.csv OUT.png [TITLE]");
            return 2;
        }

        List<Sample> samples;
        try
        {
            samples = Read(args[0]);
        }
        catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {args[0]}: {ex.Message}");
            return 2;
        }

        if (samples.Count < 2)
        {
            Console.Error.WriteLine($"error: {args[0]}: fewer than two samples to plot.");
            return 2;
        }

        double[] minutes = [.. samples.Select(s => s.Seconds / 60.0)];
        var plot = new Plot();
        var rss = plot.Add.Scatter(minutes, samples.Select(s => s.RssMb).ToArray());
        rss.LegendText = "RSS (MB, left)";
        rss.MarkerSize = 0;
        rss.LineWidth = 2;
        var fps = plot.Add.Scatter(minutes, samples.Select(s => s.Fps).ToArray());
        fps.LegendText = "fps (right)";
        fps.MarkerSize = 0;
        fps.Axes.YAxis = plot.Axes.Right;
        for (int i = 1; i < samples.Count; i++)
        {
            if (samples[i].Reconnects > samples[i - 1].Reconnects)
            {
                var line = plot.Add.VerticalLine(minutes[i]);
                line.LinePattern = LinePattern.Dashed;
                line.Color = Colors.Gray;
                line.LineWidth = 1;
            }
        }

        plot.Axes.Left.Label.Text = "resident memory (MB)";
        plot.Axes.Right.Label.Text = "frames per second";
        plot.Axes.Bottom.Label.Text = "minutes (dashed: stream reconnects)";
        plot.Axes.SetLimitsY(0, samples.Max(s => s.RssMb) * 1.15, plot.Axes.Left);
        plot.Axes.SetLimitsY(0, Math.Max(1, samples.Max(s => s.Fps) * 1.3), plot.Axes.Right);
        Sample last = samples[^1];
        plot.Title(args.Length > 2 ? args[2] : string.Create(CultureInfo.InvariantCulture, $"vtrack live soak: {last.Frames} frames, {last.Dropped} dropped, {last.Reconnects} reconnects, {last.Events} events"));
        plot.ShowLegend(Alignment.LowerRight);
        plot.SavePng(args[1], 1400, 700);
        Console.WriteLine($"plot: {args[1]}");
        return 0;
    }

    private static List<Sample> Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new FormatException("empty file");
        }

        string[] header = lines[0].Split(',');
        int Col(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new FormatException($"no '{name}' column in the header");
        int t = Col("seconds"), r = Col("rss_mb"), f = Col("fps"), n = Col("frames"), d = Col("dropped"), c = Col("reconnects"), e = Col("events");
        var samples = new List<Sample>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] v = lines[i].Split(',');
            if (v.Length < header.Length)
            {
                throw new FormatException($"line {i + 1} has {v.Length} fields, the header {header.Length}");
            }

            double D(int k) => double.Parse(v[k], NumberStyles.Float, CultureInfo.InvariantCulture);
            samples.Add(new Sample(D(t), D(r), D(f), (long)D(n), (long)D(d), (long)D(c), (long)D(e)));
        }

        return samples;
    }

    private sealed record Sample(double Seconds, double RssMb, double Fps, long Frames, long Dropped, long Reconnects, long Events);
}
