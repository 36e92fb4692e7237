using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>The agent with the fewest tasks in flight, relative to its slots; ties go round the fleet.</summary>
public sealed class LeastConnectionsStrategy : IPlacementStrategy
{
    long _tieBreak;

    public string Name => "LeastConnections";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible)
    {
        // Two passes over the candidates in id order, no sorting or copying: a thousand agents cost a thousand comparisons.
        if (eligible.Count == 0)
            throw new InvalidOperationException("no candidate to choose from");
        var ordered = CandidateOrder.ById(eligible);
        int least = int.MaxValue, ties = 0;
        foreach (var candidate in ordered)
        {
            if (candidate.InFlight < least)
                (least, ties) = (candidate.InFlight, 1);
            else if (candidate.InFlight == least)
                ties++;
        }
        var pick = (int)(Interlocked.Increment(ref _tieBreak) % ties);
        foreach (var candidate in ordered)
        {
            if (candidate.InFlight == least && pick-- == 0)
                return candidate;
        }
        throw new InvalidOperationException("no candidate to choose from");
    }
}
