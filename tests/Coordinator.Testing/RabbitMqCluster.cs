using System.Diagnostics;
using Coordinator.Hosting;

namespace Coordinator.Testing;

/// <summary>
/// The three-node RabbitMQ cluster of <c>scripts/rabbitmq-cluster.sh</c>, on loopback beside the local broker (node N: AMQP on
/// 568N, management on 1568N), for the integration tests and the bench alike: its settings, and the script that runs it.
/// </summary>
public static class RabbitMqCluster
{
    public const int Nodes = 3;

    public static int AmqpPort(int node) => 5680 + node;

    public static int ManagementPort(int node) => 15680 + node;

    /// <summary>The broker settings of a process on the cluster: its node list, quorum queues, the given virtual host.</summary>
    public static RabbitMqOptions Options(string virtualHost) => new()
    {
        Host = BrokerManagement.Host,
        VirtualHost = virtualHost,
        QueueType = BrokerQueueType.Quorum,
        Nodes = [.. Enumerable.Range(1, Nodes).Select(n => new BrokerNode { Host = BrokerManagement.Host, Port = AmqpPort(n), ManagementPort = ManagementPort(n) })],
    };

    public static Task StartAsync(CancellationToken cancellationToken = default) => ScriptAsync(cancellationToken, "start");

    /// <summary>The TLS node's AMQPS port (its only AMQP listener) and management port (<c>tls-start</c>).</summary>
    public const int TlsAmqpPort = 5689;

    public const int TlsManagementPort = 15689;

    /// <summary>
    /// Starts the TLS node with the CA certificate, server certificate and key in <paramref name="certificates"/>
    /// (<c>ca.pem</c>, <c>server.pem</c>, <c>server.key</c>).
    /// </summary>
    public static Task StartTlsAsync(string certificates) => ScriptAsync(CancellationToken.None, "tls-start", certificates);

    public static Task StopTlsAsync() => ScriptAsync(CancellationToken.None, "tls-stop");

    /// <summary>The broker settings of a process on the TLS node: AMQPS, trusting <paramref name="caCertificatePath"/>.</summary>
    public static RabbitMqOptions TlsOptions(string virtualHost, string caCertificatePath) => new()
    {
        Host = BrokerManagement.Host,
        Port = TlsAmqpPort,
        ManagementPort = TlsManagementPort,
        VirtualHost = virtualHost,
        UseTls = true,
        CaCertificatePath = caCertificatePath,
    };

    /// <summary>Stops the cluster and removes its data.</summary>
    public static Task ResetAsync(CancellationToken cancellationToken = default) => ScriptAsync(cancellationToken, "reset");

    /// <summary>Stops node <paramref name="node"/> entirely (its Erlang VM): its connections drop, its ports close.</summary>
    public static Task StopNodeAsync(int node) => ScriptAsync(CancellationToken.None, "stop-node", $"{node}");

    /// <summary>Starts node <paramref name="node"/> again and waits until it runs in the cluster.</summary>
    public static Task StartNodeAsync(int node) => ScriptAsync(CancellationToken.None, "start-node", $"{node}");

    /// <summary>One run of the script, bounded at 3 minutes; fails with its output when it does.</summary>
    static async Task ScriptAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "scripts", "rabbitmq-cluster.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rabbitmq-cluster.sh {string.Join(' ', arguments)} did not finish within 3 minutes (or was stopped)\n{await stderr}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmq-cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
