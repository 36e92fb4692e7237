using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using RabbitMQ.Client;

namespace Coordinator.Hosting;

/// <summary>
/// AMQPS to the broker (<see cref="RabbitMqOptions.UseTls"/>): TLS 1.2 or 1.3, the server's certificate checked for
/// <see cref="RabbitMqOptions.TlsServerName"/> (the node's host by default) and against the machine's trusted roots, or
/// against <see cref="RabbitMqOptions.CaCertificatePath"/>'s certificates alone when it is set (a private CA). Nothing is
/// ever accepted unchecked.
/// </summary>
public static class BrokerTls
{
    public const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>The check of the server's certificate: null for the platform's own (the machine's trusted roots).</summary>
    public static RemoteCertificateValidationCallback? Validation(RabbitMqOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CaCertificatePath))
            return null;
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(options.CaCertificatePath);
        if (roots.Count == 0)
            throw new InvalidOperationException($"RabbitMq:CaCertificatePath {options.CaCertificatePath} holds no PEM certificate");
        return (_, certificate, _, errors) =>
        {
            // A name that does not match, or no certificate at all, is never forgiven: only the chain is judged here.
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
    }

    /// <summary>RabbitMQ.Client's settings for a connection to <paramref name="node"/> (the consumer probe's).</summary>
    public static SslOption For(RabbitMqOptions options, BrokerNode node)
    {
        var ssl = new SslOption(options.TlsServerName ?? node.Host, enabled: options.UseTls) { Version = Protocols };
        if (Validation(options) is { } validation)
            ssl.CertificateValidationCallback = validation;
        return ssl;
    }
}
