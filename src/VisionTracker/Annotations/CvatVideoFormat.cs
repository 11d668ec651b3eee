using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace VisionTracker.Annotations;

/// <summary>
/// CVAT for video 1.1 XML (interpolation mode). Frames are 0-based (MOT frame - 1) and track ids are MOT id - 1.
/// Every written box is a keyframe; a track run ends with an <c>outside="1"</c> keyframe on the frame after its
/// last box (omitted when that frame is past the end of the video), so CVAT never interpolates across a gap.
/// </summary>
/// <remarks>
/// Labels are declared in meta in class-id order. The reader maps a label back to a class id: "classN" gives N,
/// "object" gives -1, any other name gives its index among the declared labels.
/// </remarks>
internal static class CvatVideoFormat
{
    /// <summary>Writes the sequence atomically (temp file, then rename).</summary>
    public static void Write(string path, TrackSequence seq)
    {
        int size = Math.Max(seq.LastFrame, seq.Rows.Count == 0 ? 0 : seq.Rows.Max(r => r.Frame));
        var classIds = seq.Rows.Select(r => r.ClassId).Concat(seq.ClassNames.Keys).Distinct().Order().ToList();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        AtomicFile.Write(path, stream =>
        {
            using var w = XmlWriter.Create(stream, settings);
            w.WriteStartDocument();
            w.WriteStartElement("annotations");
            w.WriteElementString("version", "1.1");
            w.WriteStartElement("meta");
            w.WriteStartElement("task");
            w.WriteElementString("id", "0");
            w.WriteElementString("name", seq.Name);
            w.WriteElementString("size", I(size));
            w.WriteElementString("mode", "interpolation");
            w.WriteElementString("overlap", "0");
            w.WriteElementString("start_frame", "0");
            w.WriteElementString("stop_frame", I(Math.Max(0, size - 1)));
            w.WriteStartElement("labels");
            foreach (int c in classIds)
            {
                w.WriteStartElement("label");
                w.WriteElementString("name", seq.ClassName(c));
                w.WriteElementString("type", "rectangle");
                w.WriteStartElement("attributes");
                w.WriteEndElement();
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteStartElement("original_size");
            w.WriteElementString("width", I(seq.Width));
            w.WriteElementString("height", I(seq.Height));
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();

            foreach (var (id, rows) in seq.Tracks())
            {
                w.WriteStartElement("track");
                w.WriteAttributeString("id", I(id - 1));
                w.WriteAttributeString("label", seq.ClassName(rows[0].ClassId));
                w.WriteAttributeString("source", "auto");
                for (int i = 0; i < rows.Count; i++)
                {
                    var r = rows[i];
                    Box(w, r, r.Frame - 1, outside: false);
                    bool runEnds = i == rows.Count - 1 || rows[i + 1].Frame > r.Frame + 1;
                    if (runEnds && r.Frame < size)
                    {
                        Box(w, r, r.Frame, outside: true);
                    }
                }

                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndDocument();
        });
    }

    /// <summary>Reads a CVAT for video 1.1 file; boxes marked outside are dropped.</summary>
    public static TrackSequence Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new VisionTrackerException($"{path}: CVAT file not found; pass an existing .xml file.");
        }

        XDocument doc;
        try
        {
            doc = XDocument.Load(path, LoadOptions.SetLineInfo);
        }
        catch (XmlException ex)
        {
            throw new VisionTrackerException($"{path}:{ex.LineNumber}: broken XML ({MessageText.OneLine(ex.Message, 200)}); re-export the file from CVAT.", ex);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // .NET 10's XmlTextReader throws this instead of an XmlException for a non-ASCII byte inside the
            // <?xml ...?> declaration (dotnet/runtime#113061, fixed upstream in PR #124428); found by scripts/fuzz.sh cvat.
            throw new VisionTrackerException($"{path}:1: broken XML (a byte the XML declaration's encoding cannot hold); re-export the file from CVAT.", ex);
        }

        var root = doc.Root;
        if (root is null || root.Name.LocalName != "annotations")
        {
            throw new VisionTrackerException($"{path}:{Line(root)}: root element is <{MessageText.OneLine(root?.Name.LocalName)}>, expected <annotations>; export as 'CVAT for video 1.1'.");
        }

        var task = root.Element("meta")?.Element("task") ?? root.Element("meta")?.Element("job");
        var labels = task?.Element("labels")?.Elements("label").Select(l => (string?)l.Element("name") ?? string.Empty).ToList() ?? [];
        var classNames = new Dictionary<int, string>();
        var nameToId = new Dictionary<string, int>(StringComparer.Ordinal);
        int ClassOf(string name)
        {
            if (nameToId.TryGetValue(name, out int c))
            {
                return c;
            }

            if (name == "object")
            {
                c = -1;
            }
            else if (name.StartsWith("class", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
            {
                c = n;
            }
            else
            {
                int idx = labels.IndexOf(name);
                c = idx >= 0 ? idx : labels.Count + nameToId.Count;
                classNames[c] = name;
            }

            nameToId[name] = c;
            return c;
        }

        foreach (string l in labels)
        {
            ClassOf(l);
        }

        var rows = new List<TrackRecord>();
        foreach (var track in root.Elements("track"))
        {
            int id = IntAttr(path, track, "id");
            if (id == int.MaxValue)
            {
                throw Bad(path, track, $"has id=\"{id}\", too large for a track id");
            }

            id++;
            string label = (string?)track.Attribute("label") ?? throw Bad(path, track, "has no label attribute");
            int cls = ClassOf(label);
            foreach (var box in track.Elements("box"))
            {
                if (IntAttr(path, box, "outside", 0) == 1)
                {
                    continue;
                }

                int frame = IntAttr(path, box, "frame");
                if (frame is < 0 or int.MaxValue)
                {
                    throw Bad(path, box, $"has frame=\"{frame}\"; frames run from 0");
                }

                double x1 = NumAttr(path, box, "xtl"), y1 = NumAttr(path, box, "ytl"), x2 = NumAttr(path, box, "xbr"), y2 = NumAttr(path, box, "ybr");
                double occluded = IntAttr(path, box, "occluded", 0);
                rows.Add(new TrackRecord(frame + 1, id, x1, y1, x2 - x1, y2 - y1, 1, cls, occluded == 1 ? 0 : 1));
            }
        }

        var seq = new TrackSequence((string?)task?.Element("name") ?? Path.GetFileNameWithoutExtension(path), rows) { ClassNames = classNames };
        seq.FrameCount = Int(path, task?.Element("size")) ?? 0;
        var orig = task?.Element("original_size");
        seq.Width = Int(path, orig?.Element("width")) ?? 0;
        seq.Height = Int(path, orig?.Element("height")) ?? 0;
        return seq;
    }

    private static void Box(XmlWriter w, TrackRecord r, int frame0, bool outside)
    {
        w.WriteStartElement("box");
        w.WriteAttributeString("frame", I(frame0));
        w.WriteAttributeString("xtl", MotChallengeFormat.Num(r.Left));
        w.WriteAttributeString("ytl", MotChallengeFormat.Num(r.Top));
        w.WriteAttributeString("xbr", MotChallengeFormat.Num(r.Right));
        w.WriteAttributeString("ybr", MotChallengeFormat.Num(r.Bottom));
        w.WriteAttributeString("outside", outside ? "1" : "0");
        w.WriteAttributeString("occluded", r.Visibility is >= 0 and < 0.5 ? "1" : "0");
        w.WriteAttributeString("keyframe", "1");
        w.WriteAttributeString("z_order", "0");
        w.WriteEndElement();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static int Line(XElement? e) => e is IXmlLineInfo li && li.HasLineInfo() ? li.LineNumber : 0;

    private static VisionTrackerException Bad(string path, XElement e, string what) =>
        new($"{path}:{Line(e)}: <{e.Name.LocalName}> {what}; fix the element or re-export as 'CVAT for video 1.1'.");

    private static int IntAttr(string path, XElement e, string name, int? fallback = null)
    {
        var a = e.Attribute(name);
        if (a is null)
        {
            return fallback ?? throw Bad(path, e, $"has no {name} attribute");
        }

        return int.TryParse(a.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(path, e, $"has {name}=\"{MessageText.OneLine(a.Value)}\", not an integer");
    }

    private static double NumAttr(string path, XElement e, string name)
    {
        var a = e.Attribute(name) ?? throw Bad(path, e, $"has no {name} attribute");
        return double.TryParse(a.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw Bad(path, e, $"has {name}=\"{MessageText.OneLine(a.Value)}\", not a number");
    }

    private static int? Int(string path, XElement? e)
    {
        if (e is null)
        {
            return null;
        }

        return int.TryParse(e.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw Bad(path, e, $"holds \"{MessageText.OneLine(e.Value)}\", not an integer");
    }
}
