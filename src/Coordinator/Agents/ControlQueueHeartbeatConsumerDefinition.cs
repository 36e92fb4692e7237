using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Agents;

/// <summary>
/// Heartbeats sent to <c>coordinator.agents</c> (by agents built before heartbeats had a queue of their own) are taken
/// there, beside the agent saga. Current agents send to <c>coordinator.heartbeats</c> (<see cref="AgentRegistration.AddAgentEndpoints"/>).
/// </summary>
public sealed class ControlQueueHeartbeatConsumerDefinition : ConsumerDefinition<ControlQueueHeartbeatConsumer>
{
    public ControlQueueHeartbeatConsumerDefinition() => EndpointName = EntityNames.AgentControl;
}
