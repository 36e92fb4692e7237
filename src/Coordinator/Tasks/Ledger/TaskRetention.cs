using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Ledger;

/// <summary>
/// Prunes the ledger: tasks that ended (Completed, TimedOut, DeadLettered, Rejected, Cancelled) more than Tasks:Retention ago are
/// deleted, the oldest first, in batches (each a short statement, so the ledger's writer is never held long), at most
/// <see cref="MaxBatchesPerRun"/> a run. Tasks still waiting, running or Failed-with-a-retry-to-come are never pruned.
/// </summary>
public sealed partial class TaskRetention(IDbContextFactory<CoordinatorDbContext> dbFactory, TaskOptions options, TimeProvider time,
    ILogger<TaskRetention> logger)
{
    public const int BatchSize = 5_000;
    public const int MaxBatchesPerRun = 200;

    static readonly TaskStatus[] Ended = Enum.GetValues<TaskStatus>().Where(s => s.IsTerminal()).ToArray();

    /// <summary>Deletes what has expired; returns how many tasks went.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        if (options.Retention <= TimeSpan.Zero)
            return 0; // kept for ever
        var cutoff = time.GetUtcNow() - options.Retention;
        var started = time.GetTimestamp();
        var pruned = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            await using var db = dbFactory.CreateDbContext();
            var expired = db.Tasks().Where(t => Ended.Contains(t.Status) && t.FinishedAt < cutoff).OrderBy(t => t.FinishedAt).Select(t => t.TaskId)
                .Take(BatchSize);
            var deleted = await db.Tasks().Where(t => expired.Contains(t.TaskId)).ExecuteDeleteAsync(cancellationToken);
            pruned += deleted;
            if (deleted < BatchSize)
                break;
        }
        if (pruned > 0)
            LogPruned(pruned, options.Retention, cutoff, time.GetElapsedTime(started).TotalMilliseconds);
        return pruned;
    }

    [LoggerMessage(LogLevel.Information, "Ledger retention: {Count} task(s) that ended more than {Retention} ago (before {Cutoff:O}) pruned in {ElapsedMs:0} ms")]
    partial void LogPruned(int count, TimeSpan retention, DateTimeOffset cutoff, double elapsedMs);
}
