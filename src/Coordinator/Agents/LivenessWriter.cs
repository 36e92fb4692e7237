using System.Data.Common;
using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// Writes what the agents' heartbeats said (last heard, usage, load, count) to their sagas every
/// <c>Coordinator:LivenessPersistInterval</c>, in one transaction, for the agents heard from since the last batch. Only
/// those columns, and only for the instance heard: the saga's version is not touched, so no transition conflicts with it.
/// A restarted coordinator does not judge by these (it gives every agent a fresh window); they are what the store shows.
/// </summary>
public sealed partial class LivenessWriter(HeartbeatBook book, IDbContextFactory<CoordinatorDbContext> dbFactory, CoordinatorOptions options,
    TimeProvider time, ILogger<LivenessWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LivenessPersistInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await WriteAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        await WriteAsync(CancellationToken.None); // what was heard last, on the way out
    }

    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        var dirty = book.TakeDirty();
        if (dirty.Count == 0)
            return 0;
        try
        {
            await using var db = dbFactory.CreateDbContext();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var (agentId, entry) in dirty)
            {
                var id = AgentIdentity.CorrelationIdOf(agentId);
                var health = entry.Health;
                var heard = entry.LastHeartbeat;
                var sent = entry.SentAt;
                var count = entry.Count;
                await db.Agents()
                    .Where(a => a.CorrelationId == id && a.InstanceId == entry.InstanceId)
                    .ExecuteUpdateAsync(u => u
                        .SetProperty(a => a.LastHeartbeat, heard)
                        .SetProperty(a => a.LastHeartbeatSentAt, sent)
                        .SetProperty(a => a.HeartbeatCount, count)
                        .SetProperty(a => a.CpuPercent, health == null ? 0 : health.Usage.CpuPercent)
                        .SetProperty(a => a.MemoryUsedMb, health == null ? 0 : health.Usage.MemoryMb)
                        .SetProperty(a => a.DiskUsedMb, health == null ? 0 : health.Usage.DiskMb)
                        .SetProperty(a => a.ActiveTasks, health == null ? 0 : health.ActiveTasks)
                        .SetProperty(a => a.ErrorCount, health == null ? 0 : health.ErrorCount), cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            return dirty.Count;
        }
        catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException)
        {
            // The store is away: the figures stay in memory for the next batch.
            foreach (var (_, entry) in dirty)
                entry.Dirty = true;
            LogFailed(dirty.Count, ex.Message);
            return 0;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Writing the liveness of {Count} agents to the store failed: {Error}; the next batch tries again")]
    partial void LogFailed(int count, string error);
}
