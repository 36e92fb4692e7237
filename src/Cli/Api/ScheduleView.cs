namespace CoordinatorCli.Api;

/// <summary>GET /api/schedules(/{id}): a recurring task (kind cron) or a task held for its run-at time (kind once).</summary>
public sealed record ScheduleView
{
    public string Id { get; init; } = "";
    public string? Kind { get; init; }
    public string? Cron { get; init; }
    public string? TimeZone { get; init; }
    public string? TaskId { get; init; }
    public string? TaskType { get; init; }
    public bool Paused { get; init; }
    public DateTimeOffset? NextFireAt { get; init; }
    public DateTimeOffset? LastFiredAt { get; init; }
    public string? LastTaskId { get; init; }
    public long FireCount { get; init; }
}
