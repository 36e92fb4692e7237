using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Recovery;

/// <summary>An agent that left gracefully may still have had assignments queued: they go back to the dispatcher.</summary>
public sealed class AgentUnregisteredConsumer(AgentRecovery recovery) : IConsumer<AgentUnregistered>
{
    public Task Consume(ConsumeContext<AgentUnregistered> context) =>
        recovery.RecoverAsync(context.Message.AgentId, context.Message.Reason, null, context, context.CancellationToken);
}
