using System.Diagnostics;
using System.Net.Security;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// A RabbitMQ node whose only AMQP listener is TLS (<c>scripts/rabbitmq-cluster.sh tls-start</c>, AMQPS on 127.0.0.1:5689),
/// with certificates this fixture makes with openssl: a CA of its own and a server certificate for 127.0.0.1 and localhost,
/// which the coordinator's HTTPS listener uses too. Stopped, and the certificates removed, after the tests that use it.
/// </summary>
public sealed class TlsBroker : IAsyncLifetime
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "coordinator-tests", $"tls-{Guid.NewGuid():N}"[..14]);

    public string CaPath => Path.Combine(Directory, "ca.pem");

    public string ServerCertificatePath => Path.Combine(Directory, "server.pem");

    public string ServerKeyPath => Path.Combine(Directory, "server.key");

    public async Task InitializeAsync()
    {
        System.IO.Directory.CreateDirectory(Directory);
        await File.WriteAllTextAsync(Path.Combine(Directory, "server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        await OpenSslAsync("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=coordinator test CA",
            "-keyout", "ca.key", "-out", "ca.pem");
        await OpenSslAsync("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr");
        await OpenSslAsync("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "server.ext", "-out", "server.pem");
        await Coordinator.Testing.RabbitMqCluster.StartTlsAsync(Directory);
    }

    public async Task DisposeAsync()
    {
        await Coordinator.Testing.RabbitMqCluster.StopTlsAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>An HTTP handler that trusts this fixture's CA (and nothing else) for the coordinator's HTTPS.</summary>
    public HttpMessageHandler TrustingHandler() => new SocketsHttpHandler
    {
        // The coordinator's own check of a broker's certificate against a CA file, used here for the API's.
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = Coordinator.Hosting.BrokerTls.Validation(new Coordinator.Hosting.RabbitMqOptions { CaCertificatePath = CaPath }),
        },
    };

    async Task OpenSslAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("openssl") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"openssl {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr}");
    }
}
