using Coordinator.Ownership;
using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Ledger;

/// <summary>
/// Drains the ledger's queue in batches (up to 500 updates or what arrived meanwhile) into the database. With several
/// coordinators on PostgreSQL each batch is fenced: written only while this coordinator still holds the task path's lease at
/// its epoch (checked in the batch's transaction); a batch of a coordinator that lost it is refused, its senders told, and
/// the coordinator stops.
/// </summary>
public sealed partial class TaskLedgerWriter(
    TaskLedger ledger,
    IDbContextFactory<CoordinatorDbContext> dbFactory,
    TaskPathOwnership ownership,
    LeaseStore leases,
    DatabaseOptions database,
    IHostApplicationLifetime lifetime,
    ILogger<TaskLedgerWriter> logger) : BackgroundService
{
    const int MaxBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<TaskLedger.QueuedUpdate>(MaxBatch);
        var reader = ledger.Reader;
        while (await WaitAsync(reader, stoppingToken))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var update))
                batch.Add(update);
            await WriteWithRetryAsync(batch, stoppingToken);
        }
    }

    static async Task<bool> WaitAsync(System.Threading.Channels.ChannelReader<TaskLedger.QueuedUpdate> reader, CancellationToken stoppingToken)
    {
        try
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            // Stopping: write what is already queued, then end.
            return reader.TryPeek(out _);
        }
    }

    async Task WriteWithRetryAsync(List<TaskLedger.QueuedUpdate> batch, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch.Select(q => q.Update).ToList());
                foreach (var queued in batch)
                {
                    ledger.Written(queued.Update);
                    queued.Written?.TrySetResult();
                }
                return;
            }
            catch (TaskPathFencedException ex)
            {
                // Not the owner any more: nothing of this batch is written, and whoever waits for it is never told it was
                // (it is held until this coordinator stops, and its message goes back to the queue, for the owner).
                ownership.Lose();
                LogFenced(batch.Count, ex.Message);
                lifetime.StopApplication();
                return;
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException
                                           && !(stoppingToken.IsCancellationRequested && attempt > 3))
            {
                // The database is away: keep the batch and try again, backing off up to 5 s.
                LogRetry(batch.Count, attempt, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(100 * attempt, 5000)), CancellationToken.None);
            }
        }
    }

    async Task WriteAsync(List<TaskUpdate> batch)
    {
        await using var db = dbFactory.CreateDbContext();
        var fenced = database.Provider == DatabaseProvider.Postgres;
        await using var transaction = fenced ? await db.Database.BeginTransactionAsync() : null;
        if (fenced && !await leases.StillHeldAsync(db, ownership.InstanceId, ownership.Epoch, CancellationToken.None))
            throw new TaskPathFencedException($"the task path's lease is no longer this coordinator's at epoch {ownership.Epoch}");
        var ids = batch.Select(u => u.TaskId).Distinct().ToList();
        var records = await db.Tasks().Where(t => ids.Contains(t.TaskId)).ToDictionaryAsync(t => t.TaskId, StringComparer.Ordinal);
        foreach (var update in batch)
        {
            if (!records.TryGetValue(update.TaskId, out var record))
            {
                record = update.Created ?? new TaskRecord { TaskId = update.TaskId, SubmittedAt = update.At };
                records[update.TaskId] = record;
                db.Tasks().Add(record);
                if (update.Created is not null)
                    continue;
            }
            update.ApplyTo(record);
        }
        foreach (var record in records.Values)
            record.FitColumns();
        await db.SaveChangesAsync();
        if (transaction is not null)
            await transaction.CommitAsync();
    }

    [LoggerMessage(LogLevel.Critical, "{Count} ledger update(s) refused: {Reason}; this coordinator stops")]
    partial void LogFenced(int count, string reason);

    [LoggerMessage(LogLevel.Warning, "Writing {Count} ledger updates failed (attempt {Attempt}): {Error}; retrying")]
    partial void LogRetry(int count, int attempt, string error);
}
