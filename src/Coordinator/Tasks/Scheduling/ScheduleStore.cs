using Coordinator.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Coordinator.Tasks.Scheduling;

/// <summary>
/// The schedules table. Every change is conditional on the version read (or on the row alone), done in one statement, so
/// coordinators sharing the database never both claim one occurrence, and a pause or a removal is never undone by a sweep.
/// </summary>
public sealed class ScheduleStore(IDbContextFactory<CoordinatorDbContext> dbFactory)
{
    /// <summary>Adds a schedule; false when one with its id exists.</summary>
    public async Task<bool> AddAsync(ScheduleRecord schedule, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        if (await db.Set<ScheduleRecord>().AnyAsync(s => s.Id == schedule.Id, cancellationToken))
            return false;
        db.Add(schedule);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            if (await ExistsAsync(schedule.Id, cancellationToken))
                return false; // added meanwhile, by another request or coordinator
            throw;
        }
    }

    async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().AnyAsync(s => s.Id == id, cancellationToken);
    }

    public async Task<ScheduleRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    /// <summary>Every schedule, the soonest due first (then those that will not fire: paused, or past their last occurrence).</summary>
    public async Task<IReadOnlyList<ScheduleRecord>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var all = await db.Set<ScheduleRecord>().AsNoTracking().OrderBy(s => s.Id).Take(limit).ToListAsync(cancellationToken);
        return all.OrderBy(s => s.Paused || s.NextFireAt is null).ThenBy(s => s.NextFireAt).ThenBy(s => s.Id).ToList();
    }

    /// <summary>Pauses or resumes; on resume a cron schedule's next occurrence is <paramref name="next"/> (missed ones are skipped).</summary>
    public async Task<bool> SetPausedAsync(string id, bool paused, DateTimeOffset? next, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var rows = db.Set<ScheduleRecord>().Where(s => s.Id == id);
        return (paused || next is null
            ? await rows.ExecuteUpdateAsync(u => u.SetProperty(s => s.Paused, paused).SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.Version, s => s.Version + 1), cancellationToken)
            : await rows.ExecuteUpdateAsync(u => u.SetProperty(s => s.Paused, false).SetProperty(s => s.NextFireAt, next).SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.Version, s => s.Version + 1), cancellationToken)) == 1;
    }

    /// <summary>Makes a one-shot schedule due now (and running, if it was paused).</summary>
    public async Task<bool> DueNowAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().Where(s => s.Id == id).ExecuteUpdateAsync(u => u.SetProperty(s => s.NextFireAt, now)
            .SetProperty(s => s.Paused, false).SetProperty(s => s.UpdatedAt, now).SetProperty(s => s.Version, s => s.Version + 1), cancellationToken) == 1;
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    /// <summary>Schedules due at <paramref name="now"/>, not paused, the longest due first.</summary>
    public async Task<IReadOnlyList<ScheduleRecord>> DueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().AsNoTracking().Where(s => !s.Paused && s.NextFireAt != null && s.NextFireAt <= now)
            .OrderBy(s => s.NextFireAt).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Occurrences claimed before <paramref name="before"/> whose task is not known to be submitted.</summary>
    public async Task<IReadOnlyList<ScheduleRecord>> UnsubmittedAsync(DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().AsNoTracking().Where(s => s.PendingTaskId != null && s.PendingSince < before)
            .Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the occurrence due in <paramref name="schedule"/> (as read): moves it on to <paramref name="next"/> and notes the
    /// task it submits. False when anything changed since the read: another coordinator claimed it, or a user paused it.
    /// </summary>
    public async Task<bool> ClaimAsync(ScheduleRecord schedule, DateTimeOffset? next, string taskId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        return await db.Set<ScheduleRecord>().Where(s => s.Id == schedule.Id && s.Version == schedule.Version && !s.Paused)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.NextFireAt, next)
                .SetProperty(s => s.LastFiredAt, schedule.NextFireAt)
                .SetProperty(s => s.LastTaskId, taskId)
                .SetProperty(s => s.PendingTaskId, taskId)
                .SetProperty(s => s.PendingSince, now)
                .SetProperty(s => s.FireCount, s => s.FireCount + 1)
                .SetProperty(s => s.UpdatedAt, now)
                .SetProperty(s => s.Version, s => s.Version + 1), cancellationToken) == 1;
    }

    /// <summary>The occurrence's task is submitted: a one-shot schedule is done (removed); a recurring one forgets it.</summary>
    public async Task SubmittedAsync(string id, string taskId, CancellationToken cancellationToken)
    {
        await using var db = dbFactory.CreateDbContext();
        var rows = db.Set<ScheduleRecord>().Where(s => s.Id == id && s.PendingTaskId == taskId);
        if (await rows.Where(s => s.Cron == null).ExecuteDeleteAsync(cancellationToken) == 0)
            await rows.ExecuteUpdateAsync(u => u.SetProperty(s => s.PendingTaskId, (string?)null).SetProperty(s => s.PendingSince, (DateTimeOffset?)null),
                cancellationToken);
    }
}
