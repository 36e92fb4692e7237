using System.Diagnostics;

namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// A three-node RabbitMQ cluster on loopback, beside the local broker, started by the project's own script
/// (<c>scripts/rabbitmq-cluster.sh</c>) for the tests that use it and reset after them. Node N answers AMQP on 568N and
/// its management API on 1568N.
/// </summary>
public sealed class BrokerCluster : IAsyncLifetime
{
    public const int Nodes = 3;

    public int AmqpPort(int node) => 5680 + node;

    public int ManagementPort(int node) => 15680 + node;

    /// <summary>What points a coordinator or an agent at the cluster: its node list, and quorum queues.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; } = Enumerable.Range(1, Nodes)
        .SelectMany(n => new[]
        {
            KeyValuePair.Create($"RabbitMq__Nodes__{n - 1}__Host", "127.0.0.1"),
            KeyValuePair.Create($"RabbitMq__Nodes__{n - 1}__Port", $"{5680 + n}"),
            KeyValuePair.Create($"RabbitMq__Nodes__{n - 1}__ManagementPort", $"{15680 + n}"),
        })
        .Append(KeyValuePair.Create("RabbitMq__QueueType", "Quorum"))
        .ToDictionary();

    public Task InitializeAsync() => ScriptAsync("start");

    public Task DisposeAsync() => ScriptAsync("reset");

    /// <summary>Stops node <paramref name="node"/> entirely (its Erlang VM): its connections drop, its ports close.</summary>
    public Task StopNodeAsync(int node) => ScriptAsync("stop-node", $"{node}");

    /// <summary>Starts node <paramref name="node"/> again and waits until it runs in the cluster.</summary>
    public Task StartNodeAsync(int node) => ScriptAsync("start-node", $"{node}");

    static async Task ScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryPaths.Root, "scripts", "rabbitmq-cluster.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"rabbitmq-cluster.sh {string.Join(' ', arguments)} did not finish within 3 minutes\n{await stderr}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmq-cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
    }
}
