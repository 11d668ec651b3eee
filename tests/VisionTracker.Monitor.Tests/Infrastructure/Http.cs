using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace VisionTracker.Monitor.Tests.Infrastructure;

/// <summary>Small HTTP helpers with bounded waits (the bound fails the test; it is never asserted as a timing).</summary>
internal static class Http
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static HttpClient Client(Uri baseAddress, string? token = null)
    {
        var c = new HttpClient { BaseAddress = baseAddress, Timeout = Bound };
        if (token is not null)
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return c;
    }

    public static async Task<JsonElement> GetJson(HttpClient c, string path, CancellationToken ct = default)
    {
        using HttpResponseMessage r = await c.GetAsync(path, ct);
        r.EnsureSuccessStatusCode();
        Assert.StartsWith("application/json", r.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        return JsonDocument.Parse(await r.Content.ReadAsStringAsync(ct)).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="check"/> until it holds, failing with <paramref name="what"/> after <see cref="Bound"/>.</summary>
    public static async Task Eventually(Func<Task<bool>> check, string what)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (!await check())
        {
            if (cts.IsCancellationRequested)
            {
                Assert.Fail($"Not reached within {Bound.TotalSeconds:0} s: {what}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary>Reads Server-Sent Events (id, data) from an open response until <paramref name="stop"/> says so.</summary>
    public static async Task<List<(long Id, string Data)>> ReadEvents(Stream body, Func<(long Id, string Data), bool> stop, CancellationToken ct)
    {
        var got = new List<(long, string)>();
        using var reader = new StreamReader(body, Encoding.UTF8);
        long id = 0;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var e = (id, data.ToString());
                    got.Add(e);
                    data.Clear();
                    if (stop(e))
                    {
                        return got;
                    }
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }

        return got;
    }

    /// <summary>Reads <paramref name="count"/> parts of a multipart/x-mixed-replace body and returns their bytes.</summary>
    public static async Task<List<byte[]>> ReadMultipartParts(Stream body, int count, CancellationToken ct)
    {
        var parts = new List<byte[]>();
        var buf = new List<byte>();
        var chunk = new byte[16384];
        int pos = 0;
        while (parts.Count < count)
        {
            int headerEnd = IndexOf(buf, "\r\n\r\n"u8, pos);
            if (headerEnd >= 0)
            {
                string header = Encoding.ASCII.GetString(buf.GetRange(pos, headerEnd - pos).ToArray());
                string lengthLine = header.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                int length = int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                int start = headerEnd + 4;
                if (buf.Count >= start + length)
                {
                    parts.Add(buf.GetRange(start, length).ToArray());
                    pos = start + length;
                    continue;
                }
            }

            int n = await body.ReadAsync(chunk, ct);
            if (n == 0)
            {
                break;
            }

            buf.AddRange(chunk.AsSpan(0, n));
        }

        return parts;
    }

    private static int IndexOf(List<byte> buf, ReadOnlySpan<byte> pattern, int from)
    {
        for (int i = from; i + pattern.Length <= buf.Count; i++)
        {
            bool match = true;
            for (int j = 0; j < pattern.Length && match; j++)
            {
                match = buf[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
