using System.Diagnostics;
using VisionTracker.Video;

namespace VisionTracker.Monitor.Tests.Infrastructure;

/// <summary>
/// Plays a real clip over and over at its own frame rate, like a camera: continuous frame indexes and timestamps,
/// and no end until cancelled. Lets a live pipeline run for as long as a test needs it.
/// </summary>
internal sealed class LoopingVideoSource : IFrameSource
{
    private readonly string _path;
    private readonly Stopwatch _clock = new();
    private VideoFileSource _inner;
    private long _next;

    public LoopingVideoSource(string path)
    {
        _path = path;
        _inner = new VideoFileSource(path);
        FrameSourceInfo i = _inner.Info;
        Info = i with { Kind = FrameSourceKind.Stream, FrameCount = null };
    }

    public FrameSourceInfo Info { get; }

    public Frame? Read(CancellationToken cancellationToken = default)
    {
        if (!_clock.IsRunning)
        {
            _clock.Start();
        }

        // Real time: frame n is due n / fps seconds after the first.
        TimeSpan due = TimeSpan.FromSeconds(_next / Info.Fps) - _clock.Elapsed;
        if (due > TimeSpan.Zero && cancellationToken.WaitHandle.WaitOne(due))
        {
            return null;
        }

        Frame? f = _inner.Read(cancellationToken);
        if (f is null)
        {
            _inner.Dispose();
            _inner = new VideoFileSource(_path);
            f = _inner.Read(cancellationToken) ?? throw new InvalidOperationException($"{_path} has no frames.");
        }

        long index = _next++;
        return new Frame(index, index / Info.Fps, f.Image);
    }

    public void Dispose() => _inner.Dispose();
}
