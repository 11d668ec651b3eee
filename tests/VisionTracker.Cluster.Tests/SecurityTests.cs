using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VisionTracker.Cluster.Tests.Infrastructure;
using VisionTracker.Tests.Infrastructure;

namespace VisionTracker.Cluster.Tests;

/// <summary>
/// A real nats-server with TLS (a certificate signed by a CA the test makes) and user/password authorisation:
/// the right password and CA run a job end to end; a wrong password and an untrusted CA are one line and exit 2.
/// </summary>
public sealed class SecurityTests : IDisposable
{
    private const string User = "vtrack";
    private const string Password = "s3cret-pass";
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(60);
    private readonly TempDir _tmp = TestData.TempDir();

    public void Dispose() => _tmp.Dispose();

    /// <summary>Writes a CA certificate (PEM) and, when <paramref name="serverCert"/> is given, a server certificate and key it signs for 127.0.0.1.</summary>
    private string MakeCa(string name, string? serverCert = null, string? serverKey = null)
    {
        using RSA caKey = RSA.Create(2048);
        var caReq = new CertificateRequest($"CN={name}", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string caPem = Path.Combine(_tmp.Path, $"{name}.pem");
        File.WriteAllText(caPem, ca.ExportCertificatePem());
        if (serverCert is not null && serverKey is not null)
        {
            using RSA key = RSA.Create(2048);
            var req = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            req.CertificateExtensions.Add(san.Build());
            req.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            req.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
            req.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using X509Certificate2 cert = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
            File.WriteAllText(serverCert, cert.ExportCertificatePem());
            File.WriteAllText(serverKey, key.ExportPkcs8PrivateKeyPem());
        }

        return caPem;
    }

    [Fact]
    [Trait("Category", Categories.RealData)]
    public async Task Tls_and_password_run_a_job_end_to_end_and_wrong_password_or_untrusted_ca_is_one_line_exit_2()
    {
        string cert = Path.Combine(_tmp.Path, "server.pem"), key = Path.Combine(_tmp.Path, "server-key.pem");
        string ca = MakeCa("vtrack-test-ca", cert, key);
        string otherCa = MakeCa("some-other-ca");
        using var nats = new NatsServer(extraArgs: ["--tls", "--tlscert", cert, "--tlskey", key, "--user", User, "--pass", Password]);
        string url = $"tls://{User}:{Password}@127.0.0.1:{nats.Port}";

        // Right password and CA: submit, a worker runs the job, `jobs` shows it done.
        using (var submit = Vtrack.Run(CommandBound, "submit", TestData.Video("store-aisle.mp4"), "--frames", "20", "--nats", url, "--tls-ca", ca))
        {
            Assert.True(submit.ExitCode == 0, submit.Output + "\n" + nats.Log);
        }

        await using (var cluster = await ClusterConnection.ConnectAsync(new ClusterOptions { Url = url, TlsCa = ca }))
        {
            var client = new ClusterClient(cluster);
            string jobId = Assert.Single(await client.ListJobsAsync(default)).Id;
            using var worker = Vtrack.Start("worker", "--nats", url, "--tls-ca", ca, "--model", "atto", "--threads", "1", "--id", "w-tls", "--no-cameras");
            JobState done = await Eventually.WaitAsync(async () => await client.GetJobAsync(jobId, default) is { State: JobState.Done } s ? s : null, TimeSpan.FromMinutes(2), () => worker.Output);
            Assert.Equal(20, done.Frames);
            Assert.Contains(done.Files, f => f.EndsWith(".txt", StringComparison.Ordinal));
            Assert.True(worker.Terminate(TimeSpan.FromSeconds(30)), worker.Output);
            Assert.Equal(0, worker.ExitCode);
        }

        using (var jobs = Vtrack.Run(CommandBound, "jobs", "--nats", url, "--tls-ca", ca))
        {
            Assert.True(jobs.ExitCode == 0, jobs.Output);
            Assert.Contains(jobs.StdOut, l => l.Contains("│ done", StringComparison.Ordinal));
        }

        // Wrong password: one line naming the cause, exit 2, and the password is not echoed.
        using (var wrong = Vtrack.Run(CommandBound, "jobs", "--nats", $"tls://{User}:wrong-pass@127.0.0.1:{nats.Port}", "--tls-ca", ca))
        {
            Assert.Equal(2, wrong.ExitCode);
            string line = Assert.Single(wrong.StdErr, l => l.Length > 0);
            Assert.True(line.Contains("refused the credentials", StringComparison.Ordinal), line);
            Assert.DoesNotContain("wrong-pass", line, StringComparison.Ordinal);
        }

        // A CA that did not sign the server's certificate: one line, exit 2.
        using (var untrusted = Vtrack.Run(CommandBound, "jobs", "--nats", url, "--tls-ca", otherCa))
        {
            Assert.Equal(2, untrusted.ExitCode);
            string line = Assert.Single(untrusted.StdErr, l => l.Length > 0);
            Assert.True(line.Contains("certificate is not trusted", StringComparison.Ordinal), line);
            Assert.DoesNotContain(Password, line, StringComparison.Ordinal);
        }
    }
}
