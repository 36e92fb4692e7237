using MassTransit;

namespace Coordinator.Ownership;

/// <summary>
/// First on every owner endpoint: a message that reaches a coordinator which no longer owns the task path (it was paused
/// past its lease, and its queues are still connected for the moment before it stops) is neither consumed nor acknowledged.
/// It waits until the endpoint stops, and RabbitMQ gives it back to the queue, for the owner.
/// </summary>
public sealed class OwnerGate(TaskPathOwnership ownership) : IFilter<ConsumeContext>
{
    public async Task Send(ConsumeContext context, IPipe<ConsumeContext> next)
    {
        if (!ownership.IsOwner)
            await ownership.HoldAsync(context.CancellationToken);
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("owner-gate");
}
