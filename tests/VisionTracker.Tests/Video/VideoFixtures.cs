using OpenCvSharp;

namespace VisionTracker.Tests.Video;

/// <summary>Small media files the video tests make themselves.</summary>
internal static class VideoFixtures
{
    /// <summary>Writes an MJPG AVI of <paramref name="frames"/> distinct 64x48 frames (the AVI header records the count).</summary>
    public static string WriteAvi(string path, int frames)
    {
        using var writer = new VideoWriter(path, FourCC.MJPG, 25, new Size(64, 48));
        Assert.True(writer.IsOpened(), "OpenCV could not create an MJPG AVI writer");
        for (int i = 0; i < frames; i++)
        {
            using var m = new Mat(48, 64, MatType.CV_8UC3, new Scalar(i * 5 % 256, 100, (200 + (i * 3)) % 256));
            Cv2.PutText(m, i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Point(5, 30), HersheyFonts.HersheySimplex, 0.8, Scalar.White);
            writer.Write(m);
        }

        return path;
    }

    /// <summary>Copies the first <paramref name="fraction"/> of <paramref name="source"/>'s bytes to <paramref name="target"/>.</summary>
    public static string Truncate(string source, string target, double fraction)
    {
        byte[] bytes = File.ReadAllBytes(source);
        File.WriteAllBytes(target, bytes.AsSpan(0, (int)(bytes.Length * fraction)).ToArray());
        return target;
    }

    /// <summary>Writes a MOT sequence folder with solid-colour images named by <paramref name="names"/> and an optional seqinfo.ini.</summary>
    public static string WriteSequence(string root, string[] names, string? seqInfo)
    {
        string img1 = Path.Combine(root, "img1");
        Directory.CreateDirectory(img1);
        for (int i = 0; i < names.Length; i++)
        {
            using var m = new Mat(24, 32, MatType.CV_8UC3, new Scalar(0, 0, 40 * (i + 1)));
            Assert.True(Cv2.ImWrite(Path.Combine(img1, names[i]), m));
        }

        if (seqInfo is not null)
        {
            File.WriteAllText(Path.Combine(root, "seqinfo.ini"), seqInfo);
        }

        return root;
    }
}
