using System.Data.Common;
using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Agents;

/// <summary>
/// Writes what the agents' heartbeats said (last heard, usage, load, count) to their sagas every
/// <c>Coordinator:LivenessPersistInterval</c>, in transactions of 250, for the agents heard from since the last batch. Only
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

    /// <summary>Rows per transaction: the store's write lock is let go between chunks, so a transition never waits long behind a batch.</summary>
    public const int ChunkSize = 250;

    /// <summary>The last batch: agents written and how long it took (for /api/metrics).</summary>
    public (int Agents, TimeSpan Took) LastBatch { get; private set; }

    public async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        var dirty = book.TakeDirty();
        if (dirty.Count == 0)
            return 0;
        var started = time.GetTimestamp();
        var written = 0;
        foreach (var chunk in dirty.Chunk(ChunkSize))
        {
            try
            {
                await WriteChunkAsync(chunk, cancellationToken);
                written += chunk.Length;
            }
            catch (Exception ex) when (ex is DbException or DbUpdateException or InvalidOperationException)
            {
                // The store is away: the figures stay in memory for the next batch.
                foreach (var (_, entry) in dirty.Skip(written))
                    entry.Dirty = true;
                LogFailed(dirty.Count - written, ex.Message);
                break;
            }
        }
        LastBatch = (written, time.GetElapsedTime(started));
        LogWritten(written, LastBatch.Took.TotalMilliseconds);
        return written;
    }

    async Task WriteChunkAsync(IEnumerable<(string AgentId, HeartbeatBook.Entry Entry)> chunk, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var (agentId, entry) in chunk)
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
    }

    [LoggerMessage(LogLevel.Debug, "Wrote the liveness of {Count} agents in {Milliseconds:0} ms")]
    partial void LogWritten(int count, double milliseconds);

    [LoggerMessage(LogLevel.Warning, "Writing the liveness of {Count} agents to the store failed: {Error}; the next batch tries again")]
    partial void LogFailed(int count, string error);
}
