using System.Collections.Frozen;

namespace Coordinator.Agents;

/// <summary>
/// The in-memory view of the fleet that placement decisions read (never the database). Refreshed
/// from the saga store by every health sweep; swapped atomically, so readers never lock.
/// </summary>
public sealed class AgentRegistry
{
    FrozenDictionary<string, AgentView> _agents = FrozenDictionary<string, AgentView>.Empty;

    public IReadOnlyCollection<AgentView> All => _agents.Values;

    public AgentView? Find(string agentId) => _agents.GetValueOrDefault(agentId);

    /// <summary>Swaps in a fresh view; true when what placement depends on (who is placeable, with what) changed.</summary>
    public bool Replace(IEnumerable<AgentView> agents)
    {
        var next = agents.ToFrozenDictionary(a => a.AgentId, StringComparer.Ordinal);
        var previous = Interlocked.Exchange(ref _agents, next);
        return !PlacementSignature(previous).SetEquals(PlacementSignature(next));
    }

    static HashSet<string> PlacementSignature(FrozenDictionary<string, AgentView> agents) =>
        agents.Values.Select(a => $"{a.AgentId}|{a.State}|{a.InstanceId}|{a.MaxConcurrentTasks}|{a.Resources}|{string.Join(',', a.Capabilities)}")
            .ToHashSet(StringComparer.Ordinal);
}
