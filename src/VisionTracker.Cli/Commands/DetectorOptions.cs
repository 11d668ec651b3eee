using System.CommandLine;
using VisionTracker.Detection;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// The detector options shared by <c>detect</c>, <c>track</c>, <c>bench</c> and <c>live</c>, and the one place that turns
/// them into a <see cref="DetrDetector"/>: the model is resolved through the manifest (name, alias or path) and its
/// sha256 is verified before it is loaded.
/// </summary>
internal sealed class DetectorOptions
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["femto"] = "deimv2-femto",
        ["atto"] = "deimv2-atto",
    };

    public Option<string?> Model { get; } = new("--model") { Description = "Model: femto (default), atto, a name from `vtrack models list`, or a path to an .onnx file." };

    public Option<string> Device { get; } = new("--device") { Description = "Execution provider: cpu, cuda[:id], tensorrt[:id] or auto (the only one that may fall back, and it says so).", DefaultValueFactory = _ => "cpu" };

    public Option<float> Conf { get; } = new("--conf") { Description = "Minimum detection score.", DefaultValueFactory = _ => 0.35f };

    public Option<string?> Classes { get; } = new("--classes") { Description = "Comma-separated COCO class names to keep, e.g. bottle,person." };

    public Option<int?> Threads { get; } = new("--threads") { Description = "ONNX Runtime intra-op threads (default: one per core)." };

    public Option<bool> Nms { get; } = new("--nms") { Description = "Class-aware NMS (off by default: DETRs do not need it)." };

    public Option<bool> AllLabels { get; } = new("--all-labels") { Description = "Keep every label above --conf for each decoder query (default: one object per query, its best class)." };

    public Option<bool> NoEmbeddings { get; } = new("--no-embeddings") { Description = "Do not tap the decoder embeddings (the tracker then uses geometry, or --reid)." };

    /// <summary>Adds every option to <paramref name="command"/>; <paramref name="defaultConf"/> overrides the score default and <paramref name="confDescription"/> its help line.</summary>
    public DetectorOptions AddTo(Command command, float? defaultConf = null, string? confDescription = null)
    {
        if (defaultConf is { } c)
        {
            Conf.DefaultValueFactory = _ => c;
        }

        Conf.Description = confDescription ?? "Minimum detection score of the boxes handed to the tracker (0.1: the tracker keeps low-score boxes to carry tracks through occlusion; its own thresholds decide which boxes start tracks). `vtrack detect` defaults to 0.35 for a list of confident boxes; `vtrack detect --conf 0.1 --format mot` prints what this command's tracker gets.";

        command.Options.Add(Model);
        command.Options.Add(Device);
        command.Options.Add(Conf);
        command.Options.Add(Classes);
        command.Options.Add(Threads);
        command.Options.Add(Nms);
        command.Options.Add(AllLabels);
        command.Options.Add(NoEmbeddings);
        return this;
    }

    /// <summary>The class filter from <c>--classes</c>, or null for every class.</summary>
    /// <exception cref="VisionTrackerException">A class name is unknown; the message lists the valid names.</exception>
    public IReadOnlySet<int>? ClassFilter(ParseResult p) => ParseClasses(p.GetValue(Classes));

    /// <summary>Parses a comma-separated COCO class list, turning an unknown name into a user error.</summary>
    public static IReadOnlySet<int>? ParseClasses(string? names)
    {
        if (string.IsNullOrWhiteSpace(names))
        {
            return null;
        }

        try
        {
            return CocoClasses.Parse(names);
        }
        catch (ArgumentException ex)
        {
            throw new VisionTrackerException(ex.Message, ex);
        }
    }

    /// <summary>Resolves the model (verifying its sha256 when it is in the manifest) and builds the detector options.</summary>
    /// <param name="p">The parsed command line.</param>
    /// <param name="minScore">Overrides --conf.</param>
    /// <param name="threads">Intra-op threads to use unless --threads was given (engine workers use 1).</param>
    public DetrDetectorOptions Build(ParseResult p, float? minScore = null, int? threads = null)
    {
        string? requested = p.GetValue(Model);
        if (requested is not null && Aliases.TryGetValue(requested, out string? name))
        {
            requested = name;
        }

        var store = new ModelStore(ModelManifest.LoadDefault());
        ResolvedModel model = store.Resolve(requested);
        return new DetrDetectorOptions
        {
            ModelPath = model.Path,
            Entry = model.Entry,
            ScoreThreshold = minScore ?? p.GetValue(Conf),
            ClassFilter = ClassFilter(p),
            ExecutionProvider = p.GetValue(Device) ?? "cpu",
            ClassAwareNms = p.GetValue(Nms),
            AllClassesPerQuery = p.GetValue(AllLabels),
            EnableEmbeddingTap = !p.GetValue(NoEmbeddings),
            IntraOpThreads = p.GetValue(Threads) ?? threads ?? Environment.ProcessorCount,
            Log = msg => Console.Error.WriteLine($"note: {msg}"),
        };
    }
}
