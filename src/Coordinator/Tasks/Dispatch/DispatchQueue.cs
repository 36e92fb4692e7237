using Coordinator.Contracts;
using Coordinator.Tasks.Limits;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The way into <c>coordinator.dispatch</c>: through its exchange (the queue has x-max-priority 10), with the
/// task's priority (0-9) as the AMQP priority, one higher for a task already admitted once (moved off a failed
/// agent, or retried): it goes ahead of new work of its own priority, not of a higher one. A task of a limited type goes to
/// its type's own dispatch queue (<see cref="TaskLimits.QueueOf"/>) once that queue has its consumer, so the tasks its limit
/// holds back wait there, not in front of other work.
/// </summary>
public sealed class DispatchQueue(TaskLimits limits)
{
    static readonly Uri Main = new($"exchange:{EntityNames.DispatchQueue}");

    public async Task SendAsync(ISendEndpointProvider sender, DispatchTask task, CancellationToken cancellationToken)
    {
        var address = limits.IsRouted(task.TaskType) ? new Uri($"exchange:{TaskLimits.QueueOf(task.TaskType)}") : Main;
        var endpoint = await sender.GetSendEndpoint(address);
        var priority = Math.Min(10, task.Priority + (task.Attempt > 1 ? 1 : 0));
        await endpoint.Send(task, ctx => ctx.SetPriority((byte)priority), cancellationToken);
    }
}
