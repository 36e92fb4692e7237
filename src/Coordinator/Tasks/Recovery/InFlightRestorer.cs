using Coordinator.Contracts;
using Coordinator.Persistence;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Placement;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Recovery;

/// <summary>
/// When this coordinator becomes the owner of the task path, before its queues are consumed: re-creates from the ledger what the previous run had in flight
/// (Assigned or Running tasks, so their results count), and schedules again the retries that were
/// waiting on the previous run's in-memory Quartz timers (Failed tasks with attempts left), and remembers the tasks
/// cancelled lately, so none of them runs.
/// </summary>
public sealed partial class InFlightRestorer(
    IDbContextFactory<CoordinatorDbContext> dbFactory,
    TaskPlacement placement,
    TaskRetryScheduler retries,
    CoordinatorOptions options,
    ILogger<InFlightRestorer> logger) : Ownership.IOwnerActivation
{
    public int Order => 20;

    public async Task ActivateAsync(CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var open = await db.Tasks().AsNoTracking()
            .Where(t => t.Status == TaskStatus.Assigned || t.Status == TaskStatus.Running || t.Status == TaskStatus.Failed)
            .ToListAsync(cancellationToken);
        foreach (var record in open.Where(r => r.Status != TaskStatus.Failed && r.AgentId is not null))
            placement.Restore(TaskForms.Dispatch(record, record.Attempts), record.AgentId!, record.AssignedAt ?? record.SubmittedAt);
        var pendingRetries = open.Where(r => r.Status == TaskStatus.Failed && r.Attempts - Math.Max(1, r.FirstAttempt) + 1 < options.MaxRetries).ToList();
        foreach (var record in pendingRetries)
            await retries.ScheduleAsync(TaskForms.Dispatch(record, record.Attempts + 1) with { AvoidAgentId = record.AgentId }, TimeSpan.Zero,
                cancellationToken);
        // Cancelled tasks stay cancelled across a restart: a copy still in the backlog, or a retry sent again, is dropped.
        var since = DateTimeOffset.UtcNow - CancelledMemory;
        var cancelled = await db.Tasks().AsNoTracking().Where(t => t.Status == TaskStatus.Cancelled && t.FinishedAt >= since)
            .OrderByDescending(t => t.FinishedAt).Select(t => t.TaskId).Take(TaskPlacement.FinishedMemory / 2).ToListAsync(cancellationToken);
        foreach (var taskId in cancelled)
            placement.Cancel(taskId);
        if (open.Count > 0)
            LogRestored(open.Count - pendingRetries.Count, pendingRetries.Count);
    }

    /// <summary>How far back cancellations are remembered across a restart (a backlog rarely holds a task longer).</summary>
    static readonly TimeSpan CancelledMemory = TimeSpan.FromDays(7);

    [LoggerMessage(LogLevel.Information, "Restored {InFlight} in-flight task(s) from the ledger; {Retries} retry(ies) to send again")]
    partial void LogRestored(int inFlight, int retries);
}
