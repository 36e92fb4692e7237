using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The way into <c>coordinator.dispatch</c>: through its exchange (the queue has x-max-priority 10), with the
/// task's priority (0-9) as the AMQP priority, one higher for a task already admitted once (moved off a failed
/// agent, or retried): it goes ahead of new work of its own priority, not of a higher one.
/// </summary>
public static class DispatchQueue
{
    static readonly Uri Address = new($"exchange:{EntityNames.DispatchQueue}");

    public static async Task SendAsync(ISendEndpointProvider sender, DispatchTask task, CancellationToken cancellationToken)
    {
        var endpoint = await sender.GetSendEndpoint(Address);
        var priority = Math.Min(10, task.Priority + (task.Attempt > 1 ? 1 : 0));
        await endpoint.Send(task, ctx => ctx.SetPriority((byte)priority), cancellationToken);
    }
}
