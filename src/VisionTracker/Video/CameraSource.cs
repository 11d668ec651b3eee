using System.Globalization;

namespace VisionTracker.Video;

/// <summary>
/// Reads a local camera by index (V4L2 on Linux). Timestamps are wall-clock seconds since the camera opened. When
/// reads fail, the camera is reopened with the same bounded backoff as <see cref="StreamSource"/>.
/// </summary>
public sealed class CameraSource : IFrameSource
{
    private readonly LiveSourceCore _core;

    /// <summary>Opens camera <paramref name="index"/>.</summary>
    /// <exception cref="VisionTrackerException">No camera with that index opens, or the options are invalid.</exception>
    public CameraSource(int index, FrameSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (index < 0)
        {
            throw new VisionTrackerException($"Camera index {index} is negative: pass 0 for the first camera.");
        }

        _core = new LiveSourceCore(
            string.Create(CultureInfo.InvariantCulture, $"camera {index}"),
            FrameSourceKind.Camera,
            () => OpenCvCapture.OpenCamera(index, options),
            options,
            () => string.Create(CultureInfo.InvariantCulture, $"Camera {index} did not open: no camera with that index is available (or it is busy). Check `ls /dev/video*`, pass the right index, and make sure your user may read the device (group video)."));
        _core.StateChanged += (_, s) => StateChanged?.Invoke(this, s);
    }

    /// <summary>Raised when <see cref="State"/> changes (on the reading thread).</summary>
    public event EventHandler<LiveSourceState>? StateChanged;

    /// <inheritdoc/>
    public FrameSourceInfo Info => _core.Info;

    /// <summary>Connected, Reconnecting or Failed.</summary>
    public LiveSourceState State => _core.State;

    /// <summary>How many times the camera was reopened after reads failed.</summary>
    public int Reconnects => _core.Reconnects;

    /// <inheritdoc/>
    /// <exception cref="VisionTrackerException">Reads failed and every reconnect attempt failed too.</exception>
    public Frame? Read(CancellationToken cancellationToken = default) => _core.Read(cancellationToken);

    /// <inheritdoc/>
    public void Dispose() => _core.Dispose();
}
