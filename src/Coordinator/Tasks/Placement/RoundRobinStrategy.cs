using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>Each eligible agent in turn, in agent-id order.</summary>
public sealed class RoundRobinStrategy : IPlacementStrategy
{
    long _next;

    public string Name => "RoundRobin";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible)
    {
        var ordered = CandidateOrder.ById(eligible);
        return ordered[(int)(Interlocked.Increment(ref _next) % ordered.Count)];
    }
}
