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

    /// <summary>Raised when what placement depends on (who is placeable, with what) changed: waiting work gets another chance.</summary>
    public event Action? PlacementChanged;

    /// <summary>Swaps in a fresh view; true (and <see cref="PlacementChanged"/> raised) when what placement depends on changed.</summary>
    public bool Replace(IEnumerable<AgentView> agents)
    {
        var next = agents.ToFrozenDictionary(a => a.AgentId, StringComparer.Ordinal);
        var previous = Interlocked.Exchange(ref _agents, next);
        if (PlacementSignature(previous).SetEquals(PlacementSignature(next)))
            return false;
        PlacementChanged?.Invoke();
        return true;
    }

    static HashSet<string> PlacementSignature(FrozenDictionary<string, AgentView> agents) =>
        agents.Values.Select(a => $"{a.AgentId}|{a.State}|{a.InstanceId}|{a.MaxConcurrentTasks}|{a.Resources}|{string.Join(',', a.Capabilities)}")
            .ToHashSet(StringComparer.Ordinal);
}
