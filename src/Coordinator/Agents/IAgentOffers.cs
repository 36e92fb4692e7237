using Coordinator.Contracts;

namespace Coordinator.Agents;

/// <summary>
/// Agents that are not registered but could be started on demand (the ScalingManager's profiles): a task that only
/// such an agent could run is accepted and waits for one, instead of being rejected as unplaceable.
/// </summary>
public interface IAgentOffers
{
    IReadOnlyList<AgentOffer> Offers { get; }
}

/// <summary>What an agent that could be started would offer.</summary>
public sealed record AgentOffer(string Name, IReadOnlyList<string> Capabilities, AgentResources Resources);
