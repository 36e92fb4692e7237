using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// Refreshes the in-memory registry from the saga store: every health sweep, and on demand before a
/// task would be rejected as unplaceable (so an agent that registered a moment ago is not missed).
/// When what placement depends on changed, the registry says so (and waiting tasks get another chance).
/// </summary>
public sealed class AgentRegistryLoader(IDbContextFactory<CoordinatorDbContext> dbFactory, AgentRegistry registry)
{
    public async Task<List<AgentState>> RefreshAsync(CancellationToken cancellationToken)
    {
        List<AgentState> agents;
        await using (var db = dbFactory.CreateDbContext())
            agents = await db.Agents().AsNoTracking().ToListAsync(cancellationToken);
        registry.Replace(agents.Select(AgentView.From));
        return agents;
    }
}
