namespace Coordinator.Tasks.Placement;

/// <summary>How a current attempt ended on its agent: the outcome and how long it ran.</summary>
public sealed record FinishedAttempt(string AgentId, string TaskType, bool Succeeded, double DurationMs, DateTimeOffset? SubmittedAt = null);
