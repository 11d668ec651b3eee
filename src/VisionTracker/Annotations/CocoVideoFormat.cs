using System.Globalization;
using System.Text.Json;

namespace VisionTracker.Annotations;

/// <summary>
/// COCO-video (TAO style) JSON: <c>videos</c>, <c>images</c> (one per frame, <c>frame_index</c> 0-based),
/// <c>tracks</c>, <c>annotations</c> (bbox xywh) and <c>categories</c>. One video per file.
/// </summary>
/// <remarks>category_id = class id + 1, so COCO-80 class 0 (person) is category 1 as in COCO, and class -1 is 0 ("object").</remarks>
internal static class CocoVideoFormat
{
    /// <summary>Writes the sequence atomically (temp file, then rename).</summary>
    public static void Write(string path, TrackSequence seq)
    {
        int size = Math.Max(seq.LastFrame, seq.Rows.Count == 0 ? 0 : seq.Rows.Max(r => r.Frame));
        var classIds = seq.Rows.Select(r => r.ClassId).Concat(seq.ClassNames.Keys).Distinct().Order().ToList();
        AtomicFile.Write(path, stream =>
        {
            using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false });
            w.WriteStartObject();
            w.WriteStartObject("info");
            w.WriteString("description", "VisionTracker tracks");
            w.WriteString("format", "coco-video");
            w.WriteEndObject();

            w.WriteStartArray("videos");
            w.WriteStartObject();
            w.WriteNumber("id", 1);
            w.WriteString("name", seq.Name);
            w.WriteNumber("width", seq.Width);
            w.WriteNumber("height", seq.Height);
            w.WriteNumber("fps", seq.Fps);
            w.WriteNumber("length", size);
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartArray("images");
            for (int f = 1; f <= size; f++)
            {
                w.WriteStartObject();
                w.WriteNumber("id", f);
                w.WriteNumber("video_id", 1);
                w.WriteNumber("frame_index", f - 1);
                w.WriteString("file_name", string.Create(CultureInfo.InvariantCulture, $"{seq.Name}/img1/{f:D6}.jpg"));
                w.WriteNumber("width", seq.Width);
                w.WriteNumber("height", seq.Height);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            var tracks = seq.Tracks();
            w.WriteStartArray("tracks");
            foreach (var (id, rows) in tracks)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteNumber("category_id", rows[0].ClassId + 1);
                w.WriteNumber("video_id", 1);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartArray("annotations");
            int annId = 1;
            foreach (var r in seq.Rows)
            {
                w.WriteStartObject();
                w.WriteNumber("id", annId++);
                w.WriteNumber("image_id", r.Frame);
                w.WriteNumber("video_id", 1);
                w.WriteNumber("track_id", r.Id);
                w.WriteStartArray("bbox");
                w.WriteNumberValue(Math.Round(r.Left, 4));
                w.WriteNumberValue(Math.Round(r.Top, 4));
                w.WriteNumberValue(Math.Round(r.Width, 4));
                w.WriteNumberValue(Math.Round(r.Height, 4));
                w.WriteEndArray();
                w.WriteNumber("area", Math.Round(r.Width * r.Height, 4));
                w.WriteNumber("category_id", r.ClassId + 1);
                w.WriteNumber("score", r.Score < 0 ? 1 : Math.Round(r.Score, 6));
                w.WriteNumber("iscrowd", 0);
                w.WriteEndObject();
            }

            w.WriteEndArray();

            w.WriteStartArray("categories");
            foreach (int c in classIds)
            {
                w.WriteStartObject();
                w.WriteNumber("id", c + 1);
                w.WriteString("name", seq.ClassName(c));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads a COCO-video file with one video.</summary>
    public static TrackSequence Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"{path}: COCO-video file not found; pass an existing .json file.");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new VisionTrackerException($"{path}:{(ex.LineNumber ?? 0) + 1}: broken JSON ({MessageText.OneLine(ex.Message, 200)}); fix or re-export the file.", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Schema(path, "$", "is not an object");
            }

            var videos = Array(path, root, "videos");
            if (videos.GetArrayLength() != 1)
            {
                throw Schema(path, "videos", $"holds {videos.GetArrayLength()} videos; this reader takes exactly one per file");
            }

            var video = videos[0];
            var seq0Name = Str(path, video, "videos[0]", "name", required: false) ?? Path.GetFileNameWithoutExtension(path);

            var frameOfImage = new Dictionary<long, int>();
            int i = 0;
            foreach (var img in Array(path, root, "images").EnumerateArray())
            {
                string at = $"images[{i++}]";
                long id = Long(path, img, at, "id");
                frameOfImage[id] = (int)Range(path, Long(path, img, at, "frame_index"), at + ".frame_index", 0, int.MaxValue - 1) + 1;
            }

            var classNames = new Dictionary<int, string>();
            if (root.TryGetProperty("categories", out _))
            {
                i = 0;
                foreach (var c in Array(path, root, "categories").EnumerateArray())
                {
                    string at = $"categories[{i++}]";
                    int cls = (int)Range(path, Long(path, c, at, "id"), at + ".id", int.MinValue + 1L, int.MaxValue) - 1;
                    string name = Str(path, c, at, "name", required: true)!;
                    classNames[cls] = name;
                }
            }

            var rows = new List<TrackRecord>();
            i = 0;
            foreach (var a in Array(path, root, "annotations").EnumerateArray())
            {
                string at = $"annotations[{i++}]";
                long imageId = Long(path, a, at, "image_id");
                if (!frameOfImage.TryGetValue(imageId, out int frame))
                {
                    throw Schema(path, at + ".image_id", $"refers to image {imageId}, which is not in images");
                }

                int track = (int)Range(path, Long(path, a, at, "track_id"), at + ".track_id", int.MinValue, int.MaxValue);
                if (!a.TryGetProperty("bbox", out var bb) || bb.ValueKind != JsonValueKind.Array || bb.GetArrayLength() != 4)
                {
                    throw Schema(path, at + ".bbox", "must be an array of 4 numbers [x, y, w, h]");
                }

                var v = new double[4];
                for (int k = 0; k < 4; k++)
                {
                    if (bb[k].ValueKind != JsonValueKind.Number)
                    {
                        throw Schema(path, $"{at}.bbox[{k}]", "is not a number");
                    }

                    v[k] = bb[k].GetDouble();
                }

                int cls = (int)Range(path, Long(path, a, at, "category_id"), at + ".category_id", int.MinValue + 1L, int.MaxValue) - 1;
                double score = a.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : 1;
                rows.Add(new TrackRecord(frame, track, v[0], v[1], v[2], v[3], score, cls));
            }

            var seq = new TrackSequence(seq0Name, rows) { ClassNames = classNames };
            seq.Width = video.TryGetProperty("width", out var wv) && wv.TryGetInt32(out int wi) ? wi : 0;
            seq.Height = video.TryGetProperty("height", out var hv) && hv.TryGetInt32(out int hi) ? hi : 0;
            seq.Fps = video.TryGetProperty("fps", out var fv) && fv.ValueKind == JsonValueKind.Number ? fv.GetDouble() : 0;
            seq.FrameCount = frameOfImage.Count == 0 ? 0 : frameOfImage.Values.Max();
            return seq;
        }
    }

    private static VisionTrackerException Schema(string path, string element, string what) =>
        new($"{path}: {element} {what}; fix the file to the COCO-video (TAO) schema.");

    private static JsonElement Array(string path, JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var e) || e.ValueKind != JsonValueKind.Array)
        {
            throw Schema(path, name, "is missing or not an array");
        }

        return e;
    }

    private static long Long(string path, JsonElement e, string at, string name)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Schema(path, at, "is not an object");
        }

        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long l))
        {
            throw Schema(path, $"{at}.{name}", "is missing or not an integer");
        }

        return l;
    }

    /// <summary>An integer that must lie in [<paramref name="min"/>, <paramref name="max"/>] (so it converts to int without wrapping).</summary>
    private static long Range(string path, long value, string at, long min, long max) =>
        value >= min && value <= max ? value : throw Schema(path, at, $"is {value}, outside {min}..{max}");

    private static string? Str(string path, JsonElement e, string at, string name, bool required)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Schema(path, at, "is not an object");
        }

        if (e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String)
        {
            try
            {
                return v.GetString();
            }
            catch (InvalidOperationException)
            {
                // Found by fuzzing: JsonDocument checks a string's UTF-8 (and \u surrogate escapes) only when it is read.
                throw Schema(path, $"{at}.{name}", "is not valid text (broken UTF-8 or a lone \\u surrogate escape)");
            }
        }

        return required ? throw Schema(path, $"{at}.{name}", "is missing or not a string") : null;
    }
}
