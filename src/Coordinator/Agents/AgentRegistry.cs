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

    public void Replace(IEnumerable<AgentView> agents) =>
        Volatile.Write(ref _agents, agents.ToFrozenDictionary(a => a.AgentId, StringComparer.Ordinal));
}
