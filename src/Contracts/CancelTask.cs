namespace Coordinator.Contracts;

/// <summary>
/// Sent to queue <c>agent-{AgentId}</c> by the coordinator when a task it assigned there is cancelled: a held assignment
/// never starts, a running one has its handler's token cancelled. The coordinator has already ended the task (Cancelled);
/// whatever the agent reports on this attempt afterwards is ignored.
/// </summary>
public sealed record CancelTask
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
