using SharpFuzz;
using VisionTracker.Fuzz;

// VisionTracker.Fuzz TARGET                  run TARGET under afl-fuzz (scripts/fuzz.sh sets that up)
// VisionTracker.Fuzz TARGET --replay PATH... run each file (or every file in each folder) once; exit 1 on a crash
// VisionTracker.Fuzz --list                  print the target names
// VisionTracker.Fuzz --convert IN OUT        rewrite a track file with the product's own writers (seeds the CVAT/COCO corpus)
if (args.Length == 3 && args[0] == "--convert")
{
    var seq = VisionTracker.Annotations.AnnotationFiles.Read(args[1]);
    VisionTracker.Annotations.AnnotationFiles.Write(args[2], seq, VisionTracker.Annotations.AnnotationFiles.FromExtension(args[2]) ?? VisionTracker.Annotations.AnnotationFormat.Mot);
    return 0;
}

if (args.Length == 1 && args[0] == "--list")
{
    foreach (string name in FuzzTargets.All.Keys)
    {
        Console.WriteLine(name);
    }

    return 0;
}

if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out Action<byte[]>? target))
{
    Console.Error.WriteLine($"usage: VisionTracker.Fuzz TARGET [--replay PATH...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}

if (args.Length >= 2 && args[1] == "--replay")
{
    int crashes = 0, runs = 0;
    foreach (string file in args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) : [p])
    .Where(f => Path.GetFileName(f) != "README.txt") // afl-fuzz's note in its crashes folder
    .Order(StringComparer.Ordinal))
    {
        runs++;
        try
        {
            target(File.ReadAllBytes(file));
        }
        catch (Exception ex)
        {
            crashes++;
            Console.Error.WriteLine($"CRASH {args[0]} {file}: {ex.GetType().FullName}: {ex.Message}");
            Console.Error.WriteLine(ex.StackTrace);
        }
    }

    Console.WriteLine($"{args[0]}: replayed {runs} input(s), {crashes} crash(es)");
    return crashes == 0 ? 0 : 1;
}

// Under afl-fuzz: SharpFuzz's fork server runs the target in this process for each input and reports an escaping
// exception as a crash. Outside afl-fuzz it runs once on standard input.
Fuzzer.Run(stream =>
{
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    target(buffer.ToArray());
});
return 0;
