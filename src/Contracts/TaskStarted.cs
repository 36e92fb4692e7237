namespace Coordinator.Contracts;

/// <summary>Published by an agent to <c>coordinator.task-events</c> when its handler starts.</summary>
public sealed record TaskStarted
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
