using MassTransit;

namespace Coordinator.Ownership;

/// <summary>
/// The owner's queues (intake, dispatch, results, faults, the agents' commands and heartbeats, the fleet's events), connected
/// to the bus only when this coordinator becomes the owner, last, after the restore: a standby consumes none of them, so
/// every queue and job of the task path is with one coordinator at a time.
/// </summary>
public sealed partial class OwnerEndpoints(IEnumerable<OwnerEndpoint> endpoints, IReceiveEndpointConnector connector, TaskPathOwnership ownership,
    ILogger<OwnerEndpoints> logger)
    : IOwnerActivation
{
    /// <summary>Longest an endpoint may take to be declared and consumed.</summary>
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public int Order => 100;

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        var handles = endpoints.Select(e => (e.Queue, Handle: Connect(e))).ToList();
        foreach (var (queue, handle) in handles)
            await ReadyAsync(queue, handle, cancellationToken);
    }

    /// <summary>Connects one more owner endpoint (a limited task type's queue, say) and waits until it consumes.</summary>
    public async Task ConnectAsync(OwnerEndpoint endpoint, CancellationToken cancellationToken) =>
        await ReadyAsync(endpoint.Queue, Connect(endpoint), cancellationToken);

    /// <summary>The endpoint, behind the <see cref="OwnerGate"/> like every owner endpoint.</summary>
    HostReceiveEndpointHandle Connect(OwnerEndpoint endpoint) =>
        connector.ConnectReceiveEndpoint(endpoint.Queue, (context, configurator) =>
        {
            configurator.UseFilter(new OwnerGate(ownership));
            endpoint.Configure(context, configurator);
        });

    async Task ReadyAsync(string queue, HostReceiveEndpointHandle handle, CancellationToken cancellationToken)
    {
        await handle.Ready.WaitAsync(ReadyTimeout, cancellationToken);
        LogConsuming(queue);
    }

    [LoggerMessage(LogLevel.Debug, "Consuming {Queue}")]
    partial void LogConsuming(string queue);
}
