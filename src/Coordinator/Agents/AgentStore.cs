using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

public static class AgentStore
{
    /// <summary>The agents table (one saga row per agent).</summary>
    public static DbSet<AgentState> Agents(this CoordinatorDbContext db) => db.Set<AgentState>();
}
