using Coordinator.Tasks.Dispatch;
using MassTransit;

namespace Coordinator.Tasks.Limits;

/// <summary>
/// Gives each limited task type its own dispatch queue, consumed like <c>coordinator.dispatch</c> (the same consumer, priority
/// and hold): at start for the types stored with a limit (the configured ones stored first), and when the API limits a new
/// type; only on the owner of the task path. Only once a type's queue is consumed here are its tasks sent there.
/// </summary>
public sealed partial class LimitedDispatchEndpoints(
    TaskLimits limits,
    TaskOptions options,
    Ownership.OwnerEndpoints owner,
    ILogger<LimitedDispatchEndpoints> logger) : Ownership.IOwnerActivation
{
    public int Order => 30;

    readonly SemaphoreSlim _connecting = new(1, 1);
    readonly HashSet<string> _connected = new(StringComparer.OrdinalIgnoreCase);

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        await limits.LoadAsync(options.LimitsByType(), cancellationToken);
        foreach (var type in limits.All.Keys.ToList())
            await EnsureAsync(type, cancellationToken);
    }

    /// <summary>Declares and consumes the type's queue (once), then routes its tasks there.</summary>
    public async Task EnsureAsync(string taskType, CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connected.Contains(taskType))
                return;
            var queue = TaskLimits.QueueOf(taskType);
            // An owner endpoint like coordinator.dispatch itself (behind the owner gate).
            await owner.ConnectAsync(new Ownership.OwnerEndpoint(queue, (context, e) => e.ConfigureConsumer<DispatchTaskConsumer>(context)),
                cancellationToken);
            _connected.Add(taskType);
            limits.Routed(taskType);
            LogConnected(taskType, queue);
        }
        finally
        {
            _connecting.Release();
        }
    }

    [LoggerMessage(LogLevel.Information, "Task type {TaskType} is limited: its tasks are dispatched from {Queue}")]
    partial void LogConnected(string taskType, string queue);
}
