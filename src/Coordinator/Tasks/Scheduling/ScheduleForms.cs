using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.Tasks.Scheduling;

/// <summary>The one mapping between a schedule and the submissions it makes.</summary>
public static class ScheduleForms
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The one-shot schedule of a task submitted with a run-at time.</summary>
    public static string OnceId(string taskId) => $"task:{taskId}";

    /// <summary>What holds a task submitted with a run-at time until then.</summary>
    public static ScheduleRecord Once(SubmitTask submission, string taskId, DateTimeOffset runAt, DateTimeOffset now) => new()
    {
        Id = OnceId(taskId),
        TaskId = taskId,
        TaskType = submission.TaskType.Trim(),
        Task = Template(submission),
        NextFireAt = runAt.ToUniversalTime(),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>A recurring schedule's first state.</summary>
    public static ScheduleRecord Recurring(string id, CronSchedule cron, SubmitTask template, DateTimeOffset now) => new()
    {
        Id = id,
        Cron = cron.Text,
        TimeZone = cron.Zone.Id,
        TaskType = template.TaskType.Trim(),
        Task = Template(template),
        NextFireAt = cron.NextAfter(now),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>The submission a schedule makes as the task <paramref name="taskId"/>.</summary>
    public static SubmitTask Submission(ScheduleRecord schedule, string taskId) =>
        (JsonSerializer.Deserialize<SubmitTask>(schedule.Task, Json) ?? new SubmitTask()) with { TaskId = taskId, RunAt = null };

    static string Template(SubmitTask task) => JsonSerializer.Serialize(task with { TaskId = null, RunAt = null }, Json);
}
