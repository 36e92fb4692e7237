using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>The agent with the fewest tasks in flight, relative to its slots; ties go round the fleet.</summary>
public sealed class LeastConnectionsStrategy : IPlacementStrategy
{
    long _tieBreak;

    public string Name => "LeastConnections";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible)
    {
        var least = eligible.Min(c => c.InFlight);
        var tied = eligible.Where(c => c.InFlight == least).OrderBy(c => c.AgentId, StringComparer.Ordinal).ToList();
        return tied[(int)(Interlocked.Increment(ref _tieBreak) % tied.Count)];
    }
}
