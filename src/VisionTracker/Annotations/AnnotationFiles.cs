namespace VisionTracker.Annotations;

/// <summary>Recognises a track file's format by extension or content, and reads or writes any of them.</summary>
internal static class AnnotationFiles
{
    /// <summary>Format from the extension (.txt, .xml, .json); null when the extension says nothing.</summary>
    public static AnnotationFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" or ".csv" => AnnotationFormat.Mot,
        ".xml" => AnnotationFormat.Cvat,
        ".json" => AnnotationFormat.CocoVideo,
        _ => null,
    };

    /// <summary>Format of an existing file: by extension, else by its first non-blank character.</summary>
    public static AnnotationFormat Detect(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"{path}: file not found; pass an existing MOT .txt, CVAT .xml or COCO-video .json file.");
        }

        if (FromExtension(path) is { } f)
        {
            return f;
        }

        using var r = new StreamReader(path);
        int c;
        while ((c = r.Read()) >= 0 && char.IsWhiteSpace((char)c))
        {
        }

        return c switch
        {
            '<' => AnnotationFormat.Cvat,
            '{' => AnnotationFormat.CocoVideo,
            >= '0' and <= '9' => AnnotationFormat.Mot,
            _ => throw new VisionTrackerException($"{path}: cannot tell the format from the extension or content; use .txt (MOT), .xml (CVAT) or .json (COCO-video)."),
        };
    }

    /// <summary>Reads any supported file.</summary>
    public static TrackSequence Read(string path) => Detect(path) switch
    {
        AnnotationFormat.Mot => MotChallengeFormat.Read(path),
        AnnotationFormat.Cvat => CvatVideoFormat.Read(path),
        _ => CocoVideoFormat.Read(path),
    };

    /// <summary>Writes in the given format.</summary>
    public static void Write(string path, TrackSequence seq, AnnotationFormat format)
    {
        switch (format)
        {
            case AnnotationFormat.Mot:
                MotChallengeFormat.Write(path, seq, writeClass: seq.Rows.Any(r => r.ClassId >= 0));
                break;
            case AnnotationFormat.Cvat:
                CvatVideoFormat.Write(path, seq);
                break;
            default:
                CocoVideoFormat.Write(path, seq);
                break;
        }
    }
}
