using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Ledger;

/// <summary>Drains the ledger's queue in batches (up to 500 updates or what arrived meanwhile) into the database.</summary>
public sealed partial class TaskLedgerWriter(TaskLedger ledger, IDbContextFactory<CoordinatorDbContext> dbFactory, ILogger<TaskLedgerWriter> logger)
    : BackgroundService
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
    }

    [LoggerMessage(LogLevel.Warning, "Writing {Count} ledger updates failed (attempt {Attempt}): {Error}; retrying")]
    partial void LogRetry(int count, int attempt, string error);
}
