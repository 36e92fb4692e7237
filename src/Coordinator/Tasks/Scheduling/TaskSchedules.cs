using System.Text.RegularExpressions;
using Coordinator.Contracts;
using Coordinator.Tasks.Intake;
using MassTransit;

namespace Coordinator.Tasks.Scheduling;

/// <summary>
/// Scheduled and recurring tasks: registers them (a cron expression in a time zone), fires what is due (each coordinator's sweep;
/// the store's claim lets exactly one fire an occurrence), and pauses, resumes, triggers and removes them. Each occurrence
/// submits a task whose id is the schedule's and the occurrence's (<c>{schedule}:{yyyyMMddTHHmmssZ}</c>), through the same
/// intake as any other: submitting it twice (a coordinator that stopped between claiming and submitting) takes it once.
/// </summary>
public sealed partial class TaskSchedules(
    ScheduleStore store,
    TaskIntake intake,
    TaskRules rules,
    IBus bus,
    TimeProvider time,
    ILogger<TaskSchedules> logger)
{
    /// <summary>How many due schedules one sweep fires (the rest are due at the next).</summary>
    const int FiredPerSweep = 100;

    /// <summary>How long a claimed occurrence may go unconfirmed before a sweep submits its task again.</summary>
    static readonly TimeSpan SubmitPatience = TimeSpan.FromSeconds(30);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ValidId();

    /// <summary>The schedule created, or why not (<paramref name="conflict"/>: its id is taken).</summary>
    public async Task<(ScheduleView? Created, string? Error, bool Conflict)> CreateAsync(string? id, string? cron, string? timeZone, SubmitTask? task,
        CancellationToken cancellationToken)
    {
        id = string.IsNullOrWhiteSpace(id) ? $"schedule-{NewId.NextGuid():N}"[..21] : id.Trim();
        if (!ValidId().IsMatch(id))
            return (null, "id is invalid: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit", false);
        var (schedule, error) = CronSchedule.Parse(cron, timeZone);
        if (schedule is null)
            return (null, error, false);
        if (task is null)
            return (null, "task is missing: give the task each run submits ({\"taskType\": ..., \"payload\": ...})", false);
        if (task.TaskId is not null)
            return (null, "task must not carry a taskId: each run gets its own ({schedule}:{time})", false);
        if (task.Deadline is not null || task.RunAt is not null)
            return (null, "task must not carry a deadline or runAt: a fixed time would pass after the first runs", false);
        if (rules.Validate(task) is { } invalid)
            return (null, $"task: {invalid}", false);

        var record = ScheduleForms.Recurring(id, schedule, task, time.GetUtcNow());
        if (!await store.AddAsync(record, cancellationToken))
            return (null, $"schedule '{id}' exists", true);
        LogCreated(id, schedule.Text, schedule.Zone.Id, record.NextFireAt);
        return (ScheduleView.From(record), null, false);
    }

    public async Task<IReadOnlyList<ScheduleView>> ListAsync(CancellationToken cancellationToken) =>
        (await store.ListAsync(1000, cancellationToken)).Select(ScheduleView.From).ToList();

    public async Task<ScheduleView?> FindAsync(string id, CancellationToken cancellationToken) =>
        await store.FindAsync(id, cancellationToken) is { } s ? ScheduleView.From(s) : null;

    public async Task<ScheduleView?> PauseAsync(string id, CancellationToken cancellationToken) =>
        await store.SetPausedAsync(id, true, null, time.GetUtcNow(), cancellationToken) ? await FindAsync(id, cancellationToken) : null;

    /// <summary>Resumes; a recurring schedule goes on from now (occurrences missed while paused are skipped), a one-shot fires if its time has passed.</summary>
    public async Task<ScheduleView?> ResumeAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } s)
            return null;
        var now = time.GetUtcNow();
        var next = s.Cron is null ? null : CronSchedule.Parse(s.Cron, s.TimeZone).Schedule?.NextAfter(now);
        return await store.SetPausedAsync(id, false, next, now, cancellationToken) ? await FindAsync(id, cancellationToken) : null;
    }

    /// <summary>Runs it now: the task submitted (its id), or null for an unknown schedule. A recurring schedule keeps its next occurrence.</summary>
    public async Task<string?> TriggerAsync(string id, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } s)
            return null;
        var now = time.GetUtcNow();
        if (s.Cron is null)
            return await store.DueNowAsync(id, now, cancellationToken) ? s.TaskId : null; // the next sweep, within a second
        var taskId = $"{s.Id}:manual-{now.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}";
        await SubmitAsync(s, taskId, cancellationToken);
        return taskId;
    }

    public Task<bool> RemoveAsync(string id, CancellationToken cancellationToken) => store.RemoveAsync(id, cancellationToken);

    /// <summary>
    /// The sweep: submits again what was claimed and not confirmed (a coordinator stopped in between), then fires every due
    /// occurrence this coordinator manages to claim. Missed occurrences (the coordinators were down) are fired once, not each.
    /// </summary>
    public async Task FireDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var s in await store.UnsubmittedAsync(now - SubmitPatience, FiredPerSweep, cancellationToken))
        {
            LogResubmitting(s.Id, s.PendingTaskId!);
            await SubmitAsync(s, s.PendingTaskId!, cancellationToken);
        }
        foreach (var s in await store.DueAsync(now, FiredPerSweep, cancellationToken))
        {
            var occurrence = s.NextFireAt!.Value;
            var taskId = s.TaskId ?? $"{s.Id}:{occurrence.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
            var next = s.Cron is null ? null : CronSchedule.Parse(s.Cron, s.TimeZone).Schedule?.NextAfter(occurrence > now ? occurrence : now);
            if (!await store.ClaimAsync(s, next, taskId, now, cancellationToken))
            {
                LogClaimedElsewhere(s.Id, occurrence);
                continue;
            }
            LogFired(s.Id, occurrence, taskId, next);
            await SubmitAsync(s, taskId, cancellationToken);
        }
    }

    async Task SubmitAsync(ScheduleRecord s, string taskId, CancellationToken cancellationToken)
    {
        var submission = ScheduleForms.Submission(s, taskId);
        if (await intake.SubmitAsync(submission, taskId, mayBeKnown: true, bus, bus, cancellationToken) is { } rejection)
            LogRejected(s.Id, taskId, rejection);
        await store.SubmittedAsync(s.Id, taskId, cancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} created: '{Cron}' in {TimeZone}, first at {NextFireAt:O}")]
    partial void LogCreated(string scheduleId, string cron, string timeZone, DateTimeOffset? nextFireAt);

    [LoggerMessage(LogLevel.Information, "Schedule {ScheduleId} fired its {Occurrence:O} occurrence: task {TaskId}; next at {Next:O}")]
    partial void LogFired(string scheduleId, DateTimeOffset occurrence, string taskId, DateTimeOffset? next);

    [LoggerMessage(LogLevel.Debug, "Schedule {ScheduleId}: its {Occurrence:O} occurrence was claimed elsewhere (another coordinator, or it was paused)")]
    partial void LogClaimedElsewhere(string scheduleId, DateTimeOffset occurrence);

    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: task {TaskId} was claimed but not confirmed submitted; submitting it again")]
    partial void LogResubmitting(string scheduleId, string taskId);

    [LoggerMessage(LogLevel.Warning, "Schedule {ScheduleId}: task {TaskId} was rejected: {Reason}")]
    partial void LogRejected(string scheduleId, string taskId, string reason);
}
