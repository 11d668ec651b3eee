using Prometheus;

namespace VisionTracker.Monitor;

/// <summary>
/// Several cameras behind one dashboard (<c>vtrack live --cameras</c>): one <see cref="LiveHub"/> per camera, whose
/// metrics share one registry with a <c>camera</c> label. <see cref="MonitorServer.StartAsync(MonitorOptions, MonitorCameras, CancellationToken)"/>
/// serves the first camera at <c>/</c>, each camera at <c>/cameras/NAME/</c>, and every camera's health at <c>/api/cameras</c>.
/// Disposing it disposes the hubs.
/// </summary>
public sealed class MonitorCameras : IDisposable
{
    private readonly MonitorOptions _options;
    private readonly List<LiveHub> _hubs = [];

    /// <summary>Creates an empty set with the hubs' stream and event settings.</summary>
    public MonitorCameras(MonitorOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The hubs, in the order they were added.</summary>
    public IReadOnlyList<LiveHub> Hubs => _hubs;

    internal CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    /// <summary>Adds the hub of <paramref name="camera"/> (letters, digits, '-', '_' and '.').</summary>
    /// <exception cref="ArgumentException">The name is empty, has other characters, or is taken.</exception>
    public LiveHub Add(string camera)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(camera);
        if (camera.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || _hubs.Any(h => h.Camera == camera))
        {
            throw new ArgumentException($"Camera name '{camera}' is taken or has characters other than letters, digits, '-', '_' and '.'.", nameof(camera));
        }

        var hub = new LiveHub(_options, camera, Registry);
        _hubs.Add(hub);
        return hub;
    }

    /// <summary>The path of a camera's dashboard page.</summary>
    public static string PathOf(string camera) => "/cameras/" + Uri.EscapeDataString(camera) + "/";

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (LiveHub h in _hubs)
        {
            h.Dispose();
        }
    }
}
