using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// The best suited agent: the most specific match, i.e. the fewest capabilities beyond what the task
/// needs, so generalists stay free for work only they can do. Ties: fewest tasks in flight.
/// </summary>
public sealed class CapabilityBasedStrategy : IPlacementStrategy
{
    public string Name => "CapabilityBased";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible) =>
        eligible.OrderBy(c => c.Agent.Capabilities.Count)
            .ThenBy(c => c.InFlight)
            .ThenBy(c => c.AgentId, StringComparer.Ordinal)
            .First();
}
