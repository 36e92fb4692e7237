namespace Coordinator.Contracts;

/// <summary>
/// Published by an agent to <c>coordinator.task-events</c> while a handler runs: how far it is (throttled on the agent, so
/// at most one per task every <c>Agent:ProgressInterval</c>). The coordinator keeps the latest of the current attempt.
/// </summary>
public sealed record TaskProgress
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    /// <summary>0 to 100.</summary>
    public double Percent { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
