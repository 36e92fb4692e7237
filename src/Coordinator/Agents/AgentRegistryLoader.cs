using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// Loads the registry from the saga store: one agent when its state changed, the whole fleet now and then (the health
/// sweep, every <c>Coordinator:RegistryReloadInterval</c>) and on demand before a task would be rejected as unplaceable
/// (so an agent that registered a moment ago is not missed). When what placement depends on changed, the registry says
/// so (and waiting tasks get another chance).
/// </summary>
public sealed class AgentRegistryLoader(IDbContextFactory<CoordinatorDbContext> dbFactory, AgentRegistry registry, TimeProvider time)
{
    readonly SemaphoreSlim _full = new(1, 1);
    readonly Dictionary<string, DateTimeOffset> _unknownCheckedAt = new(StringComparer.Ordinal);
    static readonly TimeSpan UnknownRecheck = TimeSpan.FromSeconds(1);
    const int UnknownMemory = 10_000;

    /// <summary>The whole fleet from the store.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _full.WaitAsync(cancellationToken);
        try
        {
            var loadedAt = time.GetUtcNow();
            List<AgentState> agents;
            await using (var db = dbFactory.CreateDbContext())
                agents = await db.Agents().AsNoTracking().ToListAsync(cancellationToken);
            registry.ReplaceAll(agents, loadedAt);
        }
        finally
        {
            _full.Release();
        }
    }

    /// <summary>The whole fleet, unless it was loaded within <paramref name="maxAge"/> (a burst of callers shares one load).</summary>
    public async Task RefreshIfOlderThanAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (registry.LoadedAt is { } loaded && time.GetUtcNow() - loaded < maxAge)
            return;
        await RefreshAsync(cancellationToken);
    }

    /// <summary>One agent from the store (its state changed); returns its saga, or null when it has none.</summary>
    public async Task<AgentState?> RefreshOneAsync(string agentId, CancellationToken cancellationToken)
    {
        var id = AgentIdentity.CorrelationIdOf(agentId);
        var loadedAt = time.GetUtcNow();
        AgentState? saga;
        await using (var db = dbFactory.CreateDbContext())
            saga = await db.Agents().AsNoTracking().SingleOrDefaultAsync(a => a.CorrelationId == id, cancellationToken);
        registry.Update(agentId, saga, loadedAt);
        return saga;
    }

    /// <summary>
    /// An agent the registry does not know (a heartbeat of an unregistered id, or of one that registered a moment ago):
    /// looked up in the store at most once a second per id, so unknown senders cannot turn heartbeats into queries.
    /// </summary>
    public async Task<AgentState?> LookUpUnknownAsync(string agentId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        lock (_unknownCheckedAt)
        {
            if (_unknownCheckedAt.TryGetValue(agentId, out var at) && now - at < UnknownRecheck)
                return null;
            if (_unknownCheckedAt.Count >= UnknownMemory)
                _unknownCheckedAt.Clear();
            _unknownCheckedAt[agentId] = now;
        }
        return await RefreshOneAsync(agentId, cancellationToken);
    }
}
