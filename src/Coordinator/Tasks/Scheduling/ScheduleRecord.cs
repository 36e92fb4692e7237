namespace Coordinator.Tasks.Scheduling;

/// <summary>
/// A schedule in the database: a recurring task (a cron expression in a time zone), or one task held until its run-at time.
/// Each coordinator's sweep fires what is due; firing claims the occurrence by <see cref="Version"/>, so of several
/// coordinators exactly one fires it.
/// </summary>
public class ScheduleRecord
{
    public string Id { get; set; } = "";
    /// <summary>Null for a one-shot schedule.</summary>
    public string? Cron { get; set; }
    public string TimeZone { get; set; } = "UTC";
    /// <summary>For a one-shot schedule, the task it submits at <see cref="NextFireAt"/> (a task submitted with a run-at time).</summary>
    public string? TaskId { get; set; }
    public string TaskType { get; set; } = "";
    /// <summary>The submission each run makes (camelCase JSON), without a task id.</summary>
    public string Task { get; set; } = "";
    public bool Paused { get; set; }
    /// <summary>The occurrence due next; null when a cron expression will never fire again.</summary>
    public DateTimeOffset? NextFireAt { get; set; }
    public DateTimeOffset? LastFiredAt { get; set; }
    public string? LastTaskId { get; set; }
    /// <summary>The task of an occurrence claimed but not yet known submitted: a sweep submits it again (the id makes that safe).</summary>
    public string? PendingTaskId { get; set; }
    public DateTimeOffset? PendingSince { get; set; }
    public long FireCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Bumped by every change: a change made from a stale read changes nothing.</summary>
    public long Version { get; set; }
}
