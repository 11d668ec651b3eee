using System.Globalization;
using System.Net;

namespace VisionTracker.Monitor;

/// <summary>A parsed <see cref="MonitorOptions.Listen"/> value: one IP endpoint, and whether it is loopback only.</summary>
internal readonly record struct ListenAddress(IPAddress Ip, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Ip);

    /// <summary>Parses <c>HOST:PORT</c> or <c>http://HOST:PORT</c>; HOST is <c>localhost</c>, an IPv4 literal or <c>[IPv6]</c>.</summary>
    /// <exception cref="VisionTrackerException">The value is not of that form.</exception>
    public static ListenAddress Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string s = value.Trim();
        if (s.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            s = s["http://".Length..].TrimEnd('/');
        }
        else if (s.Contains("://", StringComparison.Ordinal))
        {
            throw Bad(value, "only http:// is served (put a TLS proxy in front for https)");
        }

        int colon = s.LastIndexOf(':');
        if (colon <= 0 || (s.StartsWith('[') && !s[..colon].EndsWith(']')))
        {
            throw Bad(value, "the port is missing");
        }

        string host = s[..colon];
        if (!int.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw Bad(value, "the port must be a number from 0 to 65535");
        }

        IPAddress ip;
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            ip = IPAddress.Loopback;
        }
        else if (host.StartsWith('[') && host.EndsWith(']') && IPAddress.TryParse(host[1..^1], out IPAddress? v6))
        {
            ip = v6;
        }
        else if (!host.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(host, out IPAddress? v4))
        {
            ip = v4;
        }
        else
        {
            throw Bad(value, "the host must be localhost or an IP address such as 127.0.0.1, 0.0.0.0 or [::1]");
        }

        return new ListenAddress(ip, port);
    }

    private static VisionTrackerException Bad(string value, string why) =>
        new($"Cannot listen on '{value}': {why}. Use HOST:PORT, for example 127.0.0.1:8080.");
}
