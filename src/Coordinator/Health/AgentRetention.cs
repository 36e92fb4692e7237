using Coordinator.Agents;
using Coordinator.Persistence;
using Coordinator.Tasks.Placement;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Health;

/// <summary>
/// Forgets agents that have been Failed or Unregistered for longer than <c>Coordinator:AgentRetention</c>: their rows go
/// from the store (and so from the registry every sweep reads) and their record from placement. An elastic fleet names
/// every new agent afresh, so without this the list of agents long gone would only grow. An agent that comes back later
/// registers as new.
/// </summary>
public sealed partial class AgentRetention(
    IDbContextFactory<CoordinatorDbContext> dbFactory,
    TaskPlacement placement,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<AgentRetention> logger)
{
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow() - options.AgentRetention;
        await using var db = dbFactory.CreateDbContext();
        var gone = (await db.Agents().AsNoTracking()
                .Where(a => a.CurrentState == AgentStates.Failed || a.CurrentState == AgentStates.Unregistered)
                .Select(a => new { a.CorrelationId, a.AgentId, a.UpdatedAt })
                .ToListAsync(cancellationToken))
            .Where(a => a.UpdatedAt < before) // compared here: SQLite cannot compare DateTimeOffset columns
            .ToList();
        if (gone.Count == 0)
            return 0;
        var ids = gone.Select(a => a.CorrelationId).ToList();
        // Only while still gone: an agent that registered again since the read keeps its row.
        var deleted = await db.Agents()
            .Where(a => ids.Contains(a.CorrelationId) && (a.CurrentState == AgentStates.Failed || a.CurrentState == AgentStates.Unregistered))
            .ExecuteDeleteAsync(cancellationToken);
        foreach (var agent in gone)
            placement.Forget(agent.AgentId);
        LogPruned(deleted, options.AgentRetention.TotalMinutes);
        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Forgot {Count} agent(s) Failed or Unregistered for over {Minutes:0} min")]
    partial void LogPruned(int count, double minutes);
}
