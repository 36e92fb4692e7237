using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Ledger;

/// <summary>The read side of the ledger: the database, plus updates not yet written.</summary>
public sealed class TaskQueries(IDbContextFactory<CoordinatorDbContext> dbFactory, TaskLedger ledger)
{
    public async Task<TaskView?> FindAsync(string taskId, CancellationToken cancellationToken) =>
        await FindRecordAsync(taskId, cancellationToken) is { } record ? TaskView.From(record) : null;

    /// <summary>A task's record as it stands: the database's, with the updates not yet written applied (a copy, never the writer's).</summary>
    public async Task<TaskRecord?> FindRecordAsync(string taskId, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var record = await db.Tasks().AsNoTracking().SingleOrDefaultAsync(t => t.TaskId == taskId, cancellationToken);
        if (ledger.Pending(taskId) is not { } pending)
            return record;
        // Not yet written: replay the queued updates over a copy of what is known.
        var view = record ?? Copy(pending.Created);
        if (view is null)
            return null;
        foreach (var update in pending.Updates.Where(u => record is not null || u.Created is null))
            update.ApplyTo(view);
        view.FitColumns(); // shown as it will be stored
        return view;
    }

    static TaskRecord? Copy(TaskRecord? record) => record is null ? null : (TaskRecord)record.MemberwiseCopy();

    /// <summary>How far a listing counts its matches.</summary>
    public const int CountLimit = 10_000;

    /// <summary>A page of tasks, the newest first; <paramref name="taskType"/>: of that type only (exactly).</summary>
    public async Task<TaskPage> ListAsync(TaskStatus? status, int page, int pageSize, CancellationToken cancellationToken, string? taskType = null)
    {
        await using var db = dbFactory.CreateDbContext();
        var query = db.Tasks().AsNoTracking();
        if (status is { } s)
            query = query.Where(t => t.Status == s);
        if (taskType is not null)
            query = query.Where(t => t.TaskType == taskType);
        // Counted up to a bound: an exact count of a million rows is most of a listing's cost (PostgreSQL scans them all).
        var total = await query.Take(CountLimit + 1).CountAsync(cancellationToken);
        var items = await query.OrderByDescending(t => t.SubmittedAt)
            .ThenBy(t => t.TaskId)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        return new TaskPage(items.Select(TaskView.From).ToList(), page, pageSize, Math.Min(total, CountLimit), total > CountLimit);
    }

    /// <summary>
    /// The ids of up to <paramref name="limit"/> tasks in one of <paramref name="statuses"/>, of a type if given, that ended (or
    /// were last updated, for a Failed one) in [<paramref name="after"/>, <paramref name="before"/>), the oldest first.
    /// </summary>
    public async Task<IReadOnlyList<string>> FindIdsAsync(IReadOnlyList<TaskStatus> statuses, string? taskType, DateTimeOffset? after,
        DateTimeOffset? before, int limit, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var query = db.Tasks().AsNoTracking().Where(t => statuses.Contains(t.Status));
        if (taskType is not null)
            query = query.Where(t => t.TaskType == taskType);
        if (after is { } from)
            query = query.Where(t => (t.FinishedAt ?? t.UpdatedAt) >= from);
        if (before is { } to)
            query = query.Where(t => (t.FinishedAt ?? t.UpdatedAt) < to);
        return await query.OrderBy(t => t.SubmittedAt).ThenBy(t => t.TaskId).Select(t => t.TaskId).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Tasks dead-lettered at or after <paramref name="since"/>.</summary>
    public async Task<int> CountDeadLetteredSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Tasks().AsNoTracking().CountAsync(t => t.Status == TaskStatus.DeadLettered && t.FinishedAt >= since, cancellationToken);
    }

    public async Task<Dictionary<string, int>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var counts = await db.Tasks().AsNoTracking().GroupBy(t => t.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return Enum.GetValues<TaskStatus>().ToDictionary(s => s.ToString(), s => counts.FirstOrDefault(c => c.Key == s)?.Count ?? 0);
    }
}

/// <summary>A page of tasks; <see cref="Total"/> counts the matches up to <see cref="TaskQueries.CountLimit"/>, and <see cref="TotalCapped"/> says there are more.</summary>
public sealed record TaskPage(IReadOnlyList<TaskView> Items, int Page, int PageSize, int Total, bool TotalCapped);
