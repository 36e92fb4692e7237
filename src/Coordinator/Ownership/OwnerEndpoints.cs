using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.Ownership;

/// <summary>
/// The owner's queues (intake, dispatch, results, faults, the agents' commands and heartbeats, the fleet's events), connected
/// to the bus only when this coordinator becomes the owner, last, after the restore: a standby consumes none of them, so
/// every queue and job of the task path is with one coordinator at a time.
/// </summary>
public sealed partial class OwnerEndpoints(IEnumerable<OwnerEndpoint> endpoints, IReceiveEndpointConnector connector, TaskPathOwnership ownership,
    RabbitMqOptions broker, ILogger<OwnerEndpoints> logger)
    : IOwnerActivation
{
    /// <summary>Longest an endpoint may take to be declared and consumed.</summary>
    static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public int Order => 100;

    readonly List<HostReceiveEndpointHandle> _connected = [];

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        ownership.Lost.Register(() => _ = StopAllAsync());
        var handles = endpoints.Select(e => (e.Queue, Handle: Connect(e))).ToList();
        foreach (var (queue, handle) in handles)
            await ReadyAsync(queue, handle, cancellationToken);
    }

    /// <summary>Connects one more owner endpoint (a limited task type's queue, say) and waits until it consumes.</summary>
    public async Task ConnectAsync(OwnerEndpoint endpoint, CancellationToken cancellationToken) =>
        await ReadyAsync(endpoint.Queue, Connect(endpoint), cancellationToken);

    /// <summary>The endpoint, behind the <see cref="OwnerGate"/> like every owner endpoint, its queue of the configured type.</summary>
    HostReceiveEndpointHandle Connect(OwnerEndpoint endpoint)
    {
        var handle = connector.ConnectReceiveEndpoint(endpoint.Queue, (context, configurator) =>
        {
            configurator.UseConfiguredQueueType(broker);
            configurator.UseFilter(new OwnerGate(ownership));
            endpoint.Configure(context, configurator);
        });
        lock (_connected)
            _connected.Add(handle);
        if (ownership.Lost.IsCancellationRequested)
            _ = StopAllAsync();
        return handle;
    }

    /// <summary>
    /// The lease is lost: every owner queue stops being consumed at once, and what this coordinator held of them (prefetched, or
    /// held at the gate) goes back to the broker for the new owner, without waiting for this process to end (a coordinator cut off
    /// from its database may take a while to).
    /// </summary>
    async Task StopAllAsync()
    {
        List<HostReceiveEndpointHandle> handles;
        lock (_connected)
        {
            handles = [.. _connected];
            _connected.Clear();
        }
        if (handles.Count == 0)
            return;
        LogStopping(handles.Count);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(handles.Select(async h =>
        {
            try
            {
                // Work under way is not waited for long: what it would write is fenced, and its message goes back to the broker
                // when the endpoint's channel closes, after this wait (held messages never finish here).
                using var timeout = new CancellationTokenSource(LostStopWait);
                await h.StopAsync(timeout.Token);
            }
            catch (Exception ex)
            {
                LogStopFailed(ex.Message);
            }
        }));
        LogStopped(handles.Count, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>How long the owner's queues wait for work under way when the lease is lost.</summary>
    static readonly TimeSpan LostStopWait = TimeSpan.FromSeconds(1);

    async Task ReadyAsync(string queue, HostReceiveEndpointHandle handle, CancellationToken cancellationToken)
    {
        await handle.Ready.WaitAsync(ReadyTimeout, cancellationToken);
        LogConsuming(queue);
    }

    [LoggerMessage(LogLevel.Debug, "Consuming {Queue}")]
    partial void LogConsuming(string queue);

    [LoggerMessage(LogLevel.Warning, "The task path's lease is lost: stopping its {Count} queue(s) here, so what was held goes back to the broker for the owner")]
    partial void LogStopping(int count);

    [LoggerMessage(LogLevel.Warning, "Stopped the task path's {Count} queue(s) here in {Ms:0} ms")]
    partial void LogStopped(int count, double ms);

    [LoggerMessage(LogLevel.Warning, "An owner queue did not stop cleanly: {Error}")]
    partial void LogStopFailed(string error);
}
