using System.Net;
using VisionTracker.Monitor.Tests.Infrastructure;

namespace VisionTracker.Monitor.Tests.Monitor;

/// <summary>Who may bind where, and who may read: loopback by default, remote only with permission and a token.</summary>
public sealed class AccessTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Theory]
    [InlineData("0.0.0.0:0", false, null, "--allow-remote")]
    [InlineData("[::]:0", false, "secret-token", "--allow-remote")]
    [InlineData("0.0.0.0:0", true, null, "needs a bearer token")]
    [InlineData("192.0.2.10:8080", true, null, "VTRACK_TOKEN")]
    [InlineData("127.0.0.1:0", false, " ", "token is empty")]
    public async Task Start_RefusesUnsafeBindings(string listen, bool allowRemote, string? token, string messagePart)
    {
        var options = new MonitorOptions { Listen = listen, AllowRemote = allowRemote, Token = token };
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => MonitorServer.StartAsync(options, null, NoEnvironment, CancellationToken.None));
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoteWithEnvironmentToken_IsAllowed()
    {
        var options = new MonitorOptions { Listen = "0.0.0.0:8080", AllowRemote = true };
        string? token = MonitorServer.ResolveToken(options, ListenAddress.Parse(options.Listen), n => n == MonitorOptions.TokenEnvironmentVariable ? "from-env" : null);
        Assert.Equal("from-env", token);
    }

    [Fact]
    public async Task Loopback_WithoutToken_ServesEveryone()
    {
        await using MonitorServer server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, null, NoEnvironment, CancellationToken.None);
        Assert.False(server.RequiresToken);
        Assert.Equal("127.0.0.1", server.Address.Host);
        Assert.NotEqual(0, server.Address.Port);
        using HttpClient c = Http.Client(server.Address);
        using HttpResponseMessage r = await c.GetAsync("api/status");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task WithToken_RequestsWithoutItGet401()
    {
        const string token = "t0k3n-for-the-test";
        await using MonitorServer server = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0", AllowRemote = true, Token = token }, null, NoEnvironment, CancellationToken.None);
        Assert.True(server.RequiresToken);

        using HttpClient anonymous = Http.Client(server.Address);
        using HttpClient wrong = Http.Client(server.Address, "not-the-token");
        using HttpClient right = Http.Client(server.Address, token);
        foreach (string path in new[] { "", "healthz", "api/status", "api/zones", "metrics", "stream.mjpg", "events" })
        {
            using HttpResponseMessage r1 = await anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
            Assert.Equal("Bearer", r1.Headers.WwwAuthenticate.Single().Scheme);
            using HttpResponseMessage r2 = await wrong.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        }

        foreach (string path in new[] { "", "healthz", "api/status", "api/zones", "metrics" })
        {
            using HttpResponseMessage r = await right.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }

        // The <img> and EventSource cannot send headers: the token may come in the query instead.
        using HttpResponseMessage q = await anonymous.GetAsync("api/status?token=" + Uri.EscapeDataString(token));
        Assert.Equal(HttpStatusCode.OK, q.StatusCode);
        using var events = new CancellationTokenSource(Http.Bound);
        using HttpResponseMessage sse = await anonymous.GetAsync("events?token=" + Uri.EscapeDataString(token), HttpCompletionOption.ResponseHeadersRead, events.Token);
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);
        Assert.Equal("text/event-stream", sse.Content.Headers.ContentType?.MediaType);

        // Authorised or not, nothing can be changed.
        using HttpResponseMessage post = await right.PostAsync("api/zones", new StringContent("[]"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task PortInUse_IsAUserError()
    {
        await using MonitorServer first = await MonitorServer.StartAsync(new MonitorOptions { Listen = "127.0.0.1:0" }, null, NoEnvironment, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => MonitorServer.StartAsync(new MonitorOptions { Listen = $"127.0.0.1:{first.Address.Port}" }, null, NoEnvironment, CancellationToken.None));
        Assert.Contains("Pick another port", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080, true)]
    [InlineData("http://localhost:0/", "127.0.0.1", 0, true)]
    [InlineData("[::1]:9000", "::1", 9000, true)]
    [InlineData("0.0.0.0:8080", "0.0.0.0", 8080, false)]
    [InlineData("[::]:80", "::", 80, false)]
    public void ListenAddress_Parses(string value, string ip, int port, bool loopback)
    {
        ListenAddress a = ListenAddress.Parse(value);
        Assert.Equal(IPAddress.Parse(ip), a.Ip);
        Assert.Equal(port, a.Port);
        Assert.Equal(loopback, a.IsLoopback);
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    [InlineData("camera.local:8080")]
    [InlineData("https://127.0.0.1:8443")]
    [InlineData("::1:8080")]
    public void ListenAddress_RejectsMalformedValues(string value)
    {
        var ex = Assert.Throws<VisionTrackerException>(() => ListenAddress.Parse(value));
        Assert.Contains("HOST:PORT", ex.Message, StringComparison.Ordinal);
    }
}
