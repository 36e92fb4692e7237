namespace CoordinatorCli.Api;

/// <summary>The 202 answer of POST /api/tasks/{id}/cancel: the task, its status, and the agent told to stop it (null when it had not started).</summary>
public sealed record CancelledTask
{
    public string TaskId { get; init; } = "";
    public string? Status { get; init; }
    public string? AgentId { get; init; }
}
