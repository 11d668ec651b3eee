using VisionTracker.Annotations;

namespace VisionTracker.Pipeline;

/// <summary>
/// Collects every frame's tracks and, when the run completes, writes them in each requested annotation format
/// (MOTChallenge txt, CVAT for video 1.1, COCO-video). All formats come from the same rows, so they agree.
/// Whole-file formats are written atomically, so an interrupted run never leaves a truncated file.
/// </summary>
public sealed class TrackExportSink : IFrameSink
{
    private readonly TrackSequenceBuilder _builder = new();
    private readonly IReadOnlyList<(AnnotationFormat Format, string Path)> _targets;
    private readonly string _name;
    private readonly int _width;
    private readonly int _height;
    private readonly double _fps;
    private readonly IReadOnlyList<string> _classNames;
    private readonly int _interpolateGap;
    private readonly double _smoothSeconds;
    private bool _completed;

    /// <summary>Creates an exporter.</summary>
    /// <param name="name">Sequence name written into the files.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="fps">Frame rate.</param>
    /// <param name="classNames">Class names by id (for CVAT labels and COCO categories).</param>
    /// <param name="targets">Formats and the paths to write them to.</param>
    /// <param name="interpolateGap">Fill gaps of up to this many frames inside a track by linear interpolation (0: off).</param>
    /// <param name="smoothSeconds">Smooth each track's boxes over time with a Gaussian of this sigma in seconds, after the interpolation (0: off; see <see cref="TrackSmoothing"/>).</param>
    internal TrackExportSink(string name, int width, int height, double fps, IReadOnlyList<string> classNames, IReadOnlyList<(AnnotationFormat Format, string Path)> targets, int interpolateGap = 0, double smoothSeconds = 0)
    {
        _name = name;
        _width = width;
        _height = height;
        _fps = fps;
        _classNames = classNames;
        _targets = targets;
        _interpolateGap = interpolateGap;
        _smoothSeconds = smoothSeconds;
    }

    /// <summary>Files written by <see cref="Complete"/>.</summary>
    public IReadOnlyList<string> Files => _targets.Select(t => t.Path).ToList();

    /// <inheritdoc/>
    public void Write(FrameResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        _builder.Add(result.Frame.Index, result.Tracks);
    }

    /// <inheritdoc/>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        TrackSequence seq = _builder.Build(_name, _width, _height, _fps);
        foreach (var r in seq.Rows)
        {
            // Declare only the classes that occur (CVAT labels, COCO categories).
            if (r.ClassId >= 0 && !seq.ClassNames.ContainsKey(r.ClassId))
            {
                seq.ClassNames[r.ClassId] = r.ClassId < _classNames.Count ? _classNames[r.ClassId] : $"class{r.ClassId}";
            }
        }

        if (_interpolateGap > 0)
        {
            seq = GapInterpolation.Fill(seq, _interpolateGap);
        }

        seq = TrackSmoothing.Smooth(seq, _smoothSeconds);

        foreach (var (format, path) in _targets)
        {
            AnnotationFiles.Write(path, seq, format);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
