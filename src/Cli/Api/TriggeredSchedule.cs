namespace CoordinatorCli.Api;

/// <summary>The 202 answer of POST /api/schedules/{id}/trigger: the task it submitted.</summary>
public sealed record TriggeredSchedule
{
    public string ScheduleId { get; init; } = "";
    public string TaskId { get; init; } = "";
}
