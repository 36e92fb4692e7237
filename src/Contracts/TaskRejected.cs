namespace Coordinator.Contracts;

/// <summary>Published by the coordinator to <c>coordinator.task-events</c> when a submission is refused; the reason names the problem.</summary>
public sealed record TaskRejected
{
    public string TaskId { get; init; } = "";
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
