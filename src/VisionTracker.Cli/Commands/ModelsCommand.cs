using VisionTracker.Cli.Rendering;
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VisionTracker.Data;
using VisionTracker.Detection;

namespace VisionTracker.Cli.Commands;

/// <summary>
/// <c>vtrack models list|pull|verify</c>. Subcommands come from <see cref="Subcommands"/>: add one line there to add another
/// (for example <c>yield return ModelsInspectCommand.Create();</c>).
/// </summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var cmd = new Command("models", "List, pull and check the models in the manifest (models.json: embedded in vtrack, or an override in $VISIONTRACKER_DATA/models/ or ./models/).");
        foreach (Command sub in Subcommands())
        {
            cmd.Subcommands.Add(sub);
        }

        return cmd;
    }

    /// <summary>The <c>models</c> subcommands, in help order.</summary>
    internal static IEnumerable<Command> Subcommands()
    {
        yield return CreateList();
        yield return CreatePull();
        yield return CreateVerify();
        yield return InspectCommand.Create();
    }

    internal static Command CreateList()
    {
        var cmd = new Command("list", "Show each model in the manifest, where it was found and whether its sha256 is verified.");
        cmd.SetHandler(_ =>
        {
            var store = new ModelStore(ModelManifest.LoadDefault());
            var table = new Table().AddColumns("name", "file", "size", "license", "found in", "verified");
            foreach (ModelEntry e in store.Manifest.Models)
            {
                string? path = store.Locate(e);
                string verified = path is null ? "[grey]-[/]" : store.IsVerified(path, e) ? "[green]yes[/]" : "[red]NO (sha256 mismatch)[/]";
                string name = e.Name == store.Manifest.DefaultName ? e.Name + " (default)" : e.Name;
                table.AddRow(
                    Markup.Escape(name),
                    Markup.Escape(e.File),
                    string.Create(CultureInfo.InvariantCulture, $"{e.Size / 1048576.0:0.0} MiB"),
                    Markup.Escape(e.License),
                    path is null ? $"[yellow]missing[/] (vtrack models pull {Markup.Escape(e.Name)})" : Markup.Escape(Path.GetDirectoryName(path) ?? path),
                    verified);
            }

            // A console over the current Console.Out, so redirected output (tests, pipes) gets the table too.
            IAnsiConsole console = Terminal.Out;
            if (Console.IsOutputRedirected)
            {
                console.Profile.Width = 200;
            }

            console.Write(table);
            Console.WriteLine($"searched: {string.Join(", ", store.SearchFolders)}");
            Console.WriteLine($"manifest: {store.Manifest.Origin}");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    internal static Command CreateVerify()
    {
        var model = new Argument<string?>("model") { Description = "Model name or .onnx path (default: the manifest's default model).", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("verify", "Resolve a model the way detection will (explicit path, $VISIONTRACKER_DATA/models, models/) and check its sha256 and ONNX structure.") { model };
        cmd.SetHandler(p =>
        {
            var store = new ModelStore(ModelManifest.LoadDefault());
            ResolvedModel r = store.Resolve(p.GetValue(model));
            Console.WriteLine(r.Entry is null
                ? $"{r.Path}: ONNX structure ok (not in models.json, so no sha256 to check)"
                : $"{r.Path}: {r.Entry.Name}, sha256 verified");
            return ExitCodes.Ok;
        });
        return cmd;
    }

    internal static Command CreatePull()
    {
        var name = new Argument<string>("name") { Description = "Model name from models.json (for example deimv2-femto)." };
        var dir = new Option<string?>("--dir") { Description = "Folder to download into (default: the repository's models/, else ./models/ in the working directory)." };
        var cmd = new Command("pull", "Download a model from its manifest URL; it is kept only when its sha256 matches.") { name, dir };
        cmd.SetHandler(async (p, ct) =>
        {
            var store = new ModelStore(ModelManifest.LoadDefault());
            ModelEntry entry = store.Manifest.Get(p.GetRequiredValue(name));
            string target = p.GetValue(dir) ?? Path.Combine(DataPaths.RepoRoot ?? Directory.GetCurrentDirectory(), "models");
            string existing = Path.Combine(target, entry.File);
            if (File.Exists(existing) && store.IsVerified(existing, entry))
            {
                Console.WriteLine($"{entry.Name}: {Path.GetFullPath(existing)} is already present and verified.");
                return ExitCodes.Ok;
            }

            Console.WriteLine($"pulling {entry.Name} from {entry.Url}");
            string path = await store.PullAsync(entry, target, cancellationToken: ct).ConfigureAwait(false);
            Console.WriteLine($"{entry.Name}: saved {path} (sha256 verified)");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
