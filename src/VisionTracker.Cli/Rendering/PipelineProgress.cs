using System.Globalization;
using Spectre.Console;
using VisionTracker.Pipeline;

namespace VisionTracker.Cli.Rendering;

/// <summary>
/// Shows a running pipeline's progress: a Spectre.Console bar with frames, fps and ETA on an interactive terminal,
/// and a plain line every few seconds otherwise (CI logs, pipes).
/// </summary>
internal static class PipelineProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Whether stdout is a terminal that can redraw a progress bar.</summary>
    public static bool Interactive =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && Environment.GetEnvironmentVariable("CI") is null;

    /// <summary>Runs <paramref name="run"/> while showing progress for <paramref name="pipeline"/>.</summary>
    public static async Task<bool> RunAsync(TrackingPipeline pipeline, long? totalFrames, string label, Func<Task<bool>> run)
    {
        if (Interactive)
        {
            return await Terminal.Out.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new FpsColumn(pipeline), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(label), maxValue: totalFrames is > 0 ? totalFrames.Value : 1);
                    task.IsIndeterminate = totalFrames is not > 0;
                    Task<bool> work = run();
                    while (!work.IsCompleted)
                    {
                        await Task.WhenAny(work, Task.Delay(200)).ConfigureAwait(false);
                        task.Value = pipeline.Stats.FramesCompleted;
                    }

                    task.Value = pipeline.Stats.FramesCompleted;
                    if (totalFrames is not > 0)
                    {
                        task.MaxValue = Math.Max(1, task.Value);
                    }

                    task.StopTask();
                    return await work.ConfigureAwait(false);
                }).ConfigureAwait(false);
        }

        Task<bool> plain = run();
        while (!plain.IsCompleted)
        {
            await Task.WhenAny(plain, Task.Delay(PlainInterval)).ConfigureAwait(false);
            if (!plain.IsCompleted)
            {
                Console.WriteLine(Line(pipeline.Stats, totalFrames));
            }
        }

        return await plain.ConfigureAwait(false);
    }

    /// <summary>One progress line: frames done, total, fps and ETA.</summary>
    public static string Line(PipelineStats s, long? total)
    {
        long done = s.FramesCompleted;
        string of = total is > 0 ? $"/{total}" : string.Empty;
        string eta = total is > 0 && s.Fps > 0 ? $", ETA {TimeSpan.FromSeconds((total.Value - done) / s.Fps):mm\\:ss}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"frames {done}{of}, {s.Fps:0.0} fps{eta}");
    }

    private sealed class FpsColumn(TrackingPipeline pipeline) : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Markup(string.Create(CultureInfo.InvariantCulture, $"[grey]{task.Value:0}/{task.MaxValue:0} frames[/] [blue]{pipeline.Stats.Fps:0.0} fps[/]"));
    }
}
