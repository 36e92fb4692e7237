using Coordinator.Agents;

namespace Coordinator.Scaling;

/// <summary>With scaling on, every profile is an agent that could be started: tasks only it could run wait for one.</summary>
public sealed class ProfileOffers(ScalingOptions options) : IAgentOffers
{
    public IReadOnlyList<AgentOffer> Offers { get; } = options.Enabled
        ? options.Profiles.Select(p => new AgentOffer(p.Name, p.CapabilityList, p.Resources)).ToList()
        : [];
}
