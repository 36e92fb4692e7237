namespace Coordinator.Tasks;

/// <summary>How an earlier run of a re-run task ended: its attempts, status, last agent, times, error and reason.</summary>
public sealed record TaskRunSummary
{
    public int FirstAttempt { get; init; }
    public int LastAttempt { get; init; }
    public required string Status { get; init; }
    public string? AgentId { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? Error { get; init; }
    public string? Reason { get; init; }
    /// <summary>When it was re-run.</summary>
    public DateTimeOffset RerunAt { get; init; }
}
