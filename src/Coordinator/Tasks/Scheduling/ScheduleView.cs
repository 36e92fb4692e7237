using System.Text.Json;

namespace Coordinator.Tasks.Scheduling;

/// <summary>A schedule as GET /api/schedules shows it. Kind: <c>cron</c> (recurring) or <c>once</c> (a task submitted with a run-at time).</summary>
public sealed record ScheduleView
{
    public required string Id { get; init; }
    public required string Kind { get; init; }
    public string? Cron { get; init; }
    public string TimeZone { get; init; } = "UTC";
    /// <summary>For a one-shot schedule, the task it holds (also in GET /api/tasks/{id}, Scheduled).</summary>
    public string? TaskId { get; init; }
    public required string TaskType { get; init; }
    public JsonElement Task { get; init; }
    public bool Paused { get; init; }
    public DateTimeOffset? NextFireAt { get; init; }
    public DateTimeOffset? LastFiredAt { get; init; }
    public string? LastTaskId { get; init; }
    public long FireCount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public static ScheduleView From(ScheduleRecord s) => new()
    {
        Id = s.Id,
        Kind = s.Cron is null ? "once" : "cron",
        Cron = s.Cron,
        TimeZone = s.TimeZone,
        TaskId = s.TaskId,
        TaskType = s.TaskType,
        Task = JsonDocument.Parse(s.Task).RootElement.Clone(),
        Paused = s.Paused,
        NextFireAt = s.NextFireAt,
        LastFiredAt = s.LastFiredAt,
        LastTaskId = s.LastTaskId,
        FireCount = s.FireCount,
        CreatedAt = s.CreatedAt,
    };
}
