using System.Runtime.InteropServices;
using OpenCvSharp;

namespace VisionTracker.Video;

/// <summary>
/// Keeps OpenCV's and FFMPEG's native log lines off stderr, so a bad input gives the user one line (ours), not a
/// screen of decoder noise. Set <c>VTRACK_DEBUG=1</c> (or OPENCV_FFMPEG_LOGLEVEL yourself) to see them.
/// </summary>
internal static partial class OpenCvRuntime
{
    private static readonly Lock Gate = new();
    private static bool _done;

    /// <summary>Call before the first VideoCapture is created.</summary>
    public static void EnsureQuiet()
    {
        lock (Gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            if (Environment.GetEnvironmentVariable("VTRACK_DEBUG") == "1")
            {
                return;
            }

            // OpenCV reads these with getenv() when FFMPEG is first used; .NET's SetEnvironmentVariable does not reach
            // the native environment on Unix, so set them through libc. -8 is AV_LOG_QUIET.
            if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Environment.GetEnvironmentVariable("OPENCV_FFMPEG_LOGLEVEL") is null)
            {
                try
                {
                    _ = SetEnv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
                }
                catch (DllNotFoundException)
                {
                }
                catch (EntryPointNotFoundException)
                {
                }
            }

            Cv2.SetLogLevel(LogLevel.SILENT);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
