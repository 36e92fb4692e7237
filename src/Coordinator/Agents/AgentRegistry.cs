using System.Collections.Immutable;

namespace Coordinator.Agents;

/// <summary>
/// The in-memory view of the fleet that placement, the API and the health sweep read (never the database): each agent's
/// saga as last loaded, with what its heartbeats said since (<see cref="HeartbeatBook"/>). A saga is reloaded when its
/// state changes (and all of them now and then); the heartbeat figures are folded in by <see cref="Rebuild"/>, which the
/// health sweep calls every tick. Snapshots are swapped atomically, so readers never lock.
/// </summary>
public sealed class AgentRegistry(HeartbeatBook book)
{
    sealed class Snapshot(ImmutableDictionary<string, AgentState> sagas, ImmutableDictionary<string, AgentView> views)
    {
        AgentView[]? _all;
        public ImmutableDictionary<string, AgentState> Sagas { get; } = sagas;
        public ImmutableDictionary<string, AgentView> Views { get; } = views;
        /// <summary>In agent-id order (ordinal): sorted once per snapshot, so placement never sorts the fleet per task.</summary>
        public AgentView[] All => _all ??= [.. Views.Values.OrderBy(v => v.AgentId, StringComparer.Ordinal)];
    }

    static readonly ImmutableDictionary<string, AgentState> NoSagas = ImmutableDictionary.Create<string, AgentState>(StringComparer.Ordinal);
    static readonly ImmutableDictionary<string, AgentView> NoViews = ImmutableDictionary.Create<string, AgentView>(StringComparer.Ordinal);

    readonly Lock _gate = new();
    Snapshot _snapshot = new(NoSagas, NoViews);
    /// <summary>When each agent was last loaded on its own: a whole-fleet load that began before that does not undo it.</summary>
    readonly Dictionary<string, DateTimeOffset> _loadedAlone = new(StringComparer.Ordinal);

    /// <summary>Every agent's view, in agent-id order (ordinal).</summary>
    public IReadOnlyCollection<AgentView> All => Volatile.Read(ref _snapshot).All;

    public AgentView? Find(string agentId) => Volatile.Read(ref _snapshot).Views.GetValueOrDefault(agentId);

    /// <summary>The agent's saga as last loaded (read-only: never saved from here).</summary>
    public AgentState? Saga(string agentId) => Volatile.Read(ref _snapshot).Sagas.GetValueOrDefault(agentId);

    /// <summary>Every saga as last loaded.</summary>
    public IEnumerable<AgentState> Sagas => Volatile.Read(ref _snapshot).Sagas.Values;

    /// <summary>When the whole fleet was last loaded from the store.</summary>
    public DateTimeOffset? LoadedAt { get; private set; }

    /// <summary>Raised when what placement depends on (who is placeable, with what) changed: waiting work gets another chance.</summary>
    public event Action? PlacementChanged;

    /// <summary>
    /// The whole fleet, as a load that began at <paramref name="loadedAt"/> found it; true (and <see cref="PlacementChanged"/>
    /// raised) when placement's view changed. An agent loaded on its own since that load began keeps what it was given then.
    /// </summary>
    public bool ReplaceAll(IEnumerable<AgentState> sagas, DateTimeOffset loadedAt)
    {
        bool changed;
        lock (_gate)
        {
            var previous = _snapshot;
            var builder = sagas.ToImmutableDictionary(s => s.AgentId, StringComparer.Ordinal).ToBuilder();
            foreach (var (agentId, at) in _loadedAlone)
            {
                if (at < loadedAt)
                    continue;
                if (previous.Sagas.GetValueOrDefault(agentId) is { } newer)
                    builder[agentId] = newer;
                else
                    builder.Remove(agentId);
            }
            _loadedAlone.Clear();
            var next = builder.ToImmutable();
            foreach (var saga in next.Values)
                Introduce(previous.Sagas.GetValueOrDefault(saga.AgentId), saga);
            foreach (var gone in previous.Sagas.Keys.Where(id => !next.ContainsKey(id)))
                book.Forget(gone);
            var views = next.ToImmutableDictionary(p => p.Key, p => ViewOf(p.Value), StringComparer.Ordinal);
            changed = PlacementDiffers(previous.Views, views);
            Volatile.Write(ref _snapshot, new Snapshot(next, views));
            LoadedAt = loadedAt;
        }
        if (changed)
            PlacementChanged?.Invoke();
        return changed;
    }

    /// <summary>One agent's saga, as a load that began at <paramref name="loadedAt"/> found it (null: it is gone).</summary>
    public bool Update(string agentId, AgentState? saga, DateTimeOffset loadedAt)
    {
        bool changed;
        lock (_gate)
        {
            if (_loadedAlone.TryGetValue(agentId, out var newer) && newer > loadedAt)
                return false; // a later load of this agent already landed
            _loadedAlone[agentId] = loadedAt;
            var previous = _snapshot;
            var before = previous.Views.GetValueOrDefault(agentId);
            Snapshot next;
            if (saga is null)
            {
                book.Forget(agentId);
                next = new Snapshot(previous.Sagas.Remove(agentId), previous.Views.Remove(agentId));
            }
            else
            {
                Introduce(previous.Sagas.GetValueOrDefault(agentId), saga);
                next = new Snapshot(previous.Sagas.SetItem(agentId, saga), previous.Views.SetItem(agentId, ViewOf(saga)));
            }
            var after = next.Views.GetValueOrDefault(agentId);
            changed = (before is null ? null : PlacementSignature(before)) != (after is null ? null : PlacementSignature(after));
            Volatile.Write(ref _snapshot, next);
        }
        if (changed)
            PlacementChanged?.Invoke();
        return changed;
    }

    /// <summary>Folds the latest heartbeat figures into every view (no store access).</summary>
    public bool Rebuild()
    {
        bool changed;
        lock (_gate)
        {
            var previous = _snapshot;
            var views = previous.Sagas.ToImmutableDictionary(p => p.Key, p => ViewOf(p.Value), StringComparer.Ordinal);
            changed = PlacementDiffers(previous.Views, views);
            Volatile.Write(ref _snapshot, new Snapshot(previous.Sagas, views));
        }
        if (changed)
            PlacementChanged?.Invoke();
        return changed;
    }

    /// <summary>A (re)registration starts its liveness afresh from the moment it registered.</summary>
    void Introduce(AgentState? before, AgentState saga)
    {
        if (before is null || before.InstanceId != saga.InstanceId || before.RegisteredAt != saga.RegisteredAt)
            book.Registered(saga.AgentId, saga.InstanceId, saga.RegisteredAt);
    }

    AgentView ViewOf(AgentState saga) =>
        AgentView.From(saga, book.Find(saga.AgentId) is { } heard && heard.InstanceId == saga.InstanceId ? heard : null);

    static bool PlacementDiffers(ImmutableDictionary<string, AgentView> before, ImmutableDictionary<string, AgentView> after)
    {
        if (before.Count != after.Count)
            return true;
        foreach (var (agentId, view) in after)
        {
            if (!before.TryGetValue(agentId, out var old) || PlacementSignature(old) != PlacementSignature(view))
                return true;
        }
        return false;
    }

    static string PlacementSignature(AgentView a) =>
        $"{a.State}|{a.InstanceId}|{a.MaxConcurrentTasks}|{a.Resources}|{string.Join(',', a.Capabilities)}";
}
