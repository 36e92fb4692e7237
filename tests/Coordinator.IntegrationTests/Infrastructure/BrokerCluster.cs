namespace Coordinator.IntegrationTests.Infrastructure;

/// <summary>
/// The three-node cluster (<see cref="RabbitMqCluster"/>), started for the tests that use it and reset after them.
/// </summary>
public sealed class BrokerCluster : IAsyncLifetime
{
    public Task InitializeAsync() => RabbitMqCluster.StartAsync();

    public Task DisposeAsync() => RabbitMqCluster.ResetAsync();

    public Task StopNodeAsync(int node) => RabbitMqCluster.StopNodeAsync(node);

    public Task StartNodeAsync(int node) => RabbitMqCluster.StartNodeAsync(node);
}
