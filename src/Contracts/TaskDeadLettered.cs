namespace Coordinator.Contracts;

/// <summary>Published by the coordinator to <c>coordinator.task-events</c> when a task has used its attempts.</summary>
public sealed record TaskDeadLettered
{
    public string TaskId { get; init; } = "";
    public int Attempts { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
