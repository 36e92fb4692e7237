namespace Coordinator.Tasks.Placement;

/// <summary>
/// Candidates in agent-id order (ordinal), the order ties are broken in. Placement builds them from the registry, which
/// is already in that order, so this is one pass over them; any other list is sorted.
/// </summary>
public static class CandidateOrder
{
    public static IReadOnlyList<AgentCandidate> ById(IReadOnlyList<AgentCandidate> candidates)
    {
        for (var i = 1; i < candidates.Count; i++)
        {
            if (string.CompareOrdinal(candidates[i - 1].AgentId, candidates[i].AgentId) > 0)
                return candidates.OrderBy(c => c.AgentId, StringComparer.Ordinal).ToList();
        }
        return candidates;
    }
}
