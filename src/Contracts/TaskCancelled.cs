namespace Coordinator.Contracts;

/// <summary>Published to <see cref="EntityNames.TaskEvents"/> when a task is cancelled (final: it never runs again).</summary>
public sealed record TaskCancelled
{
    public string TaskId { get; init; } = "";
    /// <summary>The agent it was running or held on when cancelled; null when it was still waiting.</summary>
    public string? AgentId { get; init; }
    public int Attempt { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
