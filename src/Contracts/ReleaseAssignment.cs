namespace Coordinator.Contracts;

/// <summary>
/// Sent to queue <c>agent-{AgentId}</c> by the coordinator: give this assignment back if it has not started (the
/// agent fell behind and the task can start sooner elsewhere). The agent answers with <see cref="AssignmentReleased"/>.
/// </summary>
public sealed record ReleaseAssignment
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
