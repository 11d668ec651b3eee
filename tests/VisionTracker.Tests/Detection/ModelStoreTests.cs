using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using VisionTracker.Detection;
using VisionTracker.Tests.Infrastructure;
using VisionTracker.Tests.Video;

namespace VisionTracker.Tests.Detection;

public class ModelStoreTests
{
    // A minimal ONNX ModelProto: ir_version 8, an empty graph, opset_import { version 17 }.
    private static readonly byte[] TinyOnnx = [0x08, 0x08, 0x3a, 0x00, 0x42, 0x02, 0x10, 0x11];

    [Fact]
    public void LoadDefault_RepositoryManifest_HasTheThreeModelsWithFemtoAsDefault()
    {
        var m = ModelManifest.LoadDefault();
        Assert.Equal(["deimv2-femto", "deimv2-atto", "osnet-x0.25"], m.Models.Select(e => e.Name));
        Assert.Equal("deimv2-femto", m.Default!.Name);
        var femto = m.Get("deimv2-femto");
        Assert.Equal((416, 416), (femto.InputWidth, femto.InputHeight));
        Assert.Equal(64, femto.Sha256.Length);
        Assert.Equal(1f / 255f, femto.Preprocess.Scale, 6);
        Assert.Equal(0.229f, m.Get("osnet-x0.25").Preprocess.Std[0], 6);
        var ex = Assert.Throws<VisionTrackerException>(() => m.Get("yolo"));
        Assert.Contains("deimv2-atto", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void Resolve_NameInDataFolder_IsFoundAndVerified_AndTheVerdictIsCached()
    {
        using var dir = TestData.TempDir();
        string cache = dir.File("verified.json");
        var store = new ModelStore(ModelManifest.LoadDefault(), [Path.GetDirectoryName(TestData.Femto)!], cache);
        var r = store.Resolve("deimv2-femto");
        Assert.Equal(Path.GetFullPath(TestData.Femto), r.Path);
        Assert.True(r.Verified);
        Assert.Contains(r.Entry!.Sha256, File.ReadAllText(cache), StringComparison.Ordinal);
        ModelStore.EnsureOnnx(TestData.Atto);
        Assert.True(new ModelStore(ModelManifest.LoadDefault(), [], cache).Resolve(TestData.Femto).Verified);
    }

    [Fact]
    public void Resolve_WrongSha256_ThrowsNamingFileBothHashesAndThePullCommand()
    {
        using var dir = TestData.TempDir();
        File.WriteAllBytes(dir.File("tiny.onnx"), TinyOnnx);
        string actual = Convert.ToHexStringLower(SHA256.HashData(TinyOnnx));
        string wrong = new('a', 64);
        var store = Store(dir, Entry("tiny", "tiny.onnx", wrong));
        var ex = Assert.Throws<VisionTrackerException>(() => store.Resolve("tiny"));
        Assert.Contains(dir.File("tiny.onnx"), ex.Message, StringComparison.Ordinal);
        Assert.Contains(actual, ex.Message, StringComparison.Ordinal);
        Assert.Contains(wrong, ex.Message, StringComparison.Ordinal);
        Assert.Contains("vtrack models pull tiny", ex.Message, StringComparison.Ordinal);

        // An explicit path to a file the manifest knows by name is verified too.
        Assert.Throws<VisionTrackerException>(() => store.Resolve(dir.File("tiny.onnx")));
    }

    [Fact]
    public void Sha256Of_UsesTheCacheUntilSizeOrMtimeChange()
    {
        using var dir = TestData.TempDir();
        string file = dir.File("tiny.onnx");
        File.WriteAllBytes(file, TinyOnnx);
        string sha = Convert.ToHexStringLower(SHA256.HashData(TinyOnnx));
        string cache = dir.File("cache.json");
        Assert.True(Store(dir, Entry("tiny", "tiny.onnx", sha), cache).Resolve("tiny").Verified);

        // Poison the cached hash: a new store trusts the cache while size and mtime are unchanged...
        File.WriteAllText(cache, File.ReadAllText(cache).Replace(sha, new string('b', 64), StringComparison.Ordinal));
        Assert.Throws<VisionTrackerException>(() => Store(dir, Entry("tiny", "tiny.onnx", sha), cache).Resolve("tiny"));

        // ...and hashes again once the mtime moves.
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
        Assert.True(Store(dir, Entry("tiny", "tiny.onnx", sha), cache).Resolve("tiny").Verified);
    }

    [Fact]
    public void Resolve_MissingModel_NamesFileFoldersAndPullCommand()
    {
        using var dir = TestData.TempDir();
        var store = new ModelStore(ModelManifest.LoadDefault(), [dir.Path], dir.File("c.json"));
        var ex = Assert.Throws<VisionTrackerException>(() => store.Resolve("deimv2-femto"));
        Assert.Contains("deimv2_hgnetv2_femto_coco.onnx", ex.Message, StringComparison.Ordinal);
        Assert.Contains(dir.Path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("vtrack models pull deimv2-femto", ex.Message, StringComparison.Ordinal);
        Assert.Contains("deimv2-femto", Assert.Throws<VisionTrackerException>(() => store.Resolve(null)).Message, StringComparison.Ordinal);
        Assert.Contains("Unknown model", Assert.Throws<VisionTrackerException>(() => store.Resolve("yolov8")).Message, StringComparison.Ordinal);
        Assert.Contains("not found", Assert.Throws<VisionTrackerException>(() => store.Resolve(dir.File("x.onnx"))).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("random")]
    [InlineData("empty")]
    [InlineData("json")]
    public void Resolve_FileThatIsNotOnnx_ThrowsClearError(string kind)
    {
        using var dir = TestData.TempDir();
        string path = dir.File("model.onnx");
        byte[] bytes = kind switch
        {
            "text" => Encoding.UTF8.GetBytes("this is not a model\n"),
            "json" => Encoding.UTF8.GetBytes("{\"models\": []}"),
            "empty" => [],
            _ => RandomBytes(4096),
        };
        File.WriteAllBytes(path, bytes);
        var store = new ModelStore(ModelManifest.LoadDefault(), [], dir.File("c.json"));
        var ex = Assert.Throws<VisionTrackerException>(() => store.Resolve(path));
        Assert.Contains("is not an ONNX model", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureOnnx_AcceptsAMinimalModelProto_AndRejectsATruncatedOne()
    {
        using var dir = TestData.TempDir();
        File.WriteAllBytes(dir.File("ok.onnx"), TinyOnnx);
        ModelStore.EnsureOnnx(dir.File("ok.onnx"));
        byte[] cut = [0x08, 0x08, 0x3a, 0x10, 0x01, 0x02];
        File.WriteAllBytes(dir.File("cut.onnx"), cut);
        var ex = Assert.Throws<VisionTrackerException>(() => ModelStore.EnsureOnnx(dir.File("cut.onnx")));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public void EnsureOnnx_RealModelCutInHalf_IsRejected()
    {
        using var dir = TestData.TempDir();
        string cut = VideoFixtures.Truncate(TestData.Femto, dir.File("femto-half.onnx"), 0.5);
        ModelStore.EnsureOnnx(TestData.Femto);
        Assert.Throws<VisionTrackerException>(() => ModelStore.EnsureOnnx(cut));
    }

    [Fact]
    public async Task PullAsync_UnreachableUrl_FailsAndLeavesNothingBehind()
    {
        using var dir = TestData.TempDir();
        string target = Path.Combine(dir.Path, "models");
        var entry = Entry("tiny", "tiny.onnx", new string('a', 64)) with { Url = "http://127.0.0.1:9/tiny.onnx" };
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => Store(dir, entry).PullAsync(entry, target));
        Assert.Contains("nothing was saved", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task PullAsync_ServerSendsWrongBytes_FailsAndLeavesNothingBehind()
    {
        using var dir = TestData.TempDir();
        string target = Path.Combine(dir.Path, "models");
        string expected = Convert.ToHexStringLower(SHA256.HashData(TinyOnnx));
        byte[] served = RandomBytes(100_000);
        using var server = new OneShotHttpServer(served);
        var entry = Entry("tiny", "tiny.onnx", expected) with { Url = server.Url };
        var ex = await Assert.ThrowsAsync<VisionTrackerException>(() => Store(dir, entry).PullAsync(entry, target));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(served)), ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target));
    }

    [Fact]
    public async Task PullAsync_ServerSendsTheRightBytes_SavesAVerifiedFileAndNoTemporary()
    {
        using var dir = TestData.TempDir();
        string target = Path.Combine(dir.Path, "models");
        using var server = new OneShotHttpServer(TinyOnnx);
        var entry = Entry("tiny", "tiny.onnx", Convert.ToHexStringLower(SHA256.HashData(TinyOnnx))) with { Url = server.Url };
        var store = new ModelStore(new ModelManifest([entry], null), [target], dir.File("c.json"));
        long lastProgress = 0;
        string path = await store.PullAsync(entry, target, progress: (done, _) => lastProgress = done);
        Assert.Equal(Path.Combine(target, "tiny.onnx"), path);
        Assert.Equal(TinyOnnx, File.ReadAllBytes(path));
        Assert.Equal(TinyOnnx.Length, lastProgress);
        Assert.Equal(["tiny.onnx"], Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName));
        Assert.True(store.Resolve("tiny").Verified);
    }

    private static ModelEntry Entry(string name, string file, string sha) =>
        new(name, file, "http://127.0.0.1:9/" + file, sha, 8, "detection", "rtdetr", 320, 320, PreprocessSpec.DetrDefault, "coco80", "test");

    private static ModelStore Store(TempDir dir, ModelEntry entry, string? cache = null) =>
        new(new ModelManifest([entry], entry.Name), [dir.Path], cache ?? dir.File("cache.json"));

    private static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        new Random(11).NextBytes(b);
        return b;
    }

    /// <summary>A loopback HTTP/1.1 server that answers one GET with the given body.</summary>
    private sealed class OneShotHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public OneShotHttpServer(byte[] body)
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/tiny.onnx";
            _serving = Task.Run(async () =>
            {
                using TcpClient client = await _listener.AcceptTcpClientAsync();
                using NetworkStream s = client.GetStream();
                var request = new StringBuilder();
                var buf = new byte[1024];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int n = await s.ReadAsync(buf);
                    if (n == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buf, 0, n));
                }

                byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
                await s.WriteAsync(head);
                await s.WriteAsync(body);
            });
        }

        public string Url { get; }

        public void Dispose()
        {
            _listener.Stop();
            try
            {
                _serving.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
            }
        }
    }
}

[Collection("VideoCli")]
public class ModelsCommandTests
{
    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task ModelsList_ShowsEveryManifestEntryAndWhereItWasFound()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("models", "list");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        foreach (string name in new[] { "deimv2-femto", "deimv2-atto", "osnet-x0.25" })
        {
            Assert.Contains(name, stdout, StringComparison.Ordinal);
        }

        Assert.Contains("Apache-2.0", stdout, StringComparison.Ordinal);
        Assert.Contains("yes", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelsPull_UnknownName_ExitsTwoWithOneLineListingKnownModels()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("models", "pull", "no-such-model");
        Assert.Equal(2, code);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("deimv2-femto", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Subcommands_AreListPullVerifyAndInspect()
    {
        Assert.Equal(["list", "pull", "verify", "inspect"], VisionTracker.Cli.Commands.ModelsCommand.Subcommands().Select(c => c.Name));
    }

    [Theory]
    [InlineData("wrong-sha")]
    [InlineData("not-onnx")]
    [InlineData("missing")]
    public async Task ModelsVerify_BadModel_ExitsTwoWithOneStderrLine(string kind)
    {
        using var dir = TestData.TempDir();
        string path;
        switch (kind)
        {
            case "wrong-sha":
                // Named like a manifest model, so it is checked against that entry's sha256.
                path = dir.File("deimv2_hgnetv2_atto_coco.onnx");
                File.WriteAllBytes(path, [0x08, 0x08, 0x3a, 0x00]);
                break;
            case "not-onnx":
                path = dir.File("detector.onnx");
                File.WriteAllText(path, "not a model\n");
                break;
            default:
                path = dir.File("gone.onnx");
                break;
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync("models", "verify", path);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(path, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task ModelsVerify_RealModel_Succeeds()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("models", "verify", TestData.Atto);
        Assert.Equal(0, code);
        Assert.Contains("deimv2-atto, sha256 verified", stdout, StringComparison.Ordinal);
    }
}
