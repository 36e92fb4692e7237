using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks;

/// <summary>The way into <c>coordinator.dispatch</c>: through its exchange (the queue has x-max-priority), with the task's priority.</summary>
public static class DispatchQueue
{
    static readonly Uri Address = new($"exchange:{EntityNames.DispatchQueue}");

    public static async Task SendAsync(ISendEndpointProvider sender, DispatchTask task, CancellationToken cancellationToken)
    {
        var endpoint = await sender.GetSendEndpoint(Address);
        await endpoint.Send(task, ctx => ctx.SetPriority((byte)task.Priority), cancellationToken);
    }
}
