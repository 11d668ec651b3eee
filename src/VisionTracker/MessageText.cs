using System.Globalization;
using System.Text;

namespace VisionTracker;

/// <summary>
/// Puts text that came from outside (a file's content, a parser's message about it) into a one-line
/// <see cref="VisionTrackerException"/> message: control characters (line breaks, NUL, terminal escapes) are written
/// as escapes and long text is cut, so the error stays one readable line whatever the input held.
/// </summary>
internal static class MessageText
{
    /// <summary>Most characters of outside text kept in a message.</summary>
    public const int DefaultMax = 80;

    /// <summary><paramref name="text"/> on one line, at most <paramref name="max"/> characters plus an ellipsis.</summary>
    public static string OneLine(string? text, int max = DefaultMax)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var sb = new StringBuilder(Math.Min(text.Length, max) + 8);
        foreach (char c in text)
        {
            if (sb.Length >= max)
            {
                sb.Append('…');
                break;
            }

            switch (c)
            {
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085')
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        return sb.ToString();
    }
}
