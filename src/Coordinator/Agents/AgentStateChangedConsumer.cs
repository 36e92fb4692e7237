using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>
/// An agent came, went, recovered or degraded: placement sees it at once instead of at the next sweep,
/// and waiting tasks get another chance.
/// </summary>
public sealed class AgentStateChangedConsumer(AgentRegistryLoader loader) : IConsumer<AgentStateChanged>
{
    public Task Consume(ConsumeContext<AgentStateChanged> context) => loader.RefreshOneAsync(context.Message.AgentId, context.CancellationToken);
}
