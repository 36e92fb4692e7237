namespace Coordinator.Contracts;

/// <summary>Published on <c>coordinator.agent-events</c> when the ScalingManager starts agents.</summary>
public sealed record AgentsScaledUp
{
    public IReadOnlyList<string> AgentIds { get; init; } = [];
    /// <summary>The agent profile started.</summary>
    public string Profile { get; init; } = "";
    /// <summary>What fired: Backlog, WaitTime, Utilisation, Forecast, BelowMinimum, AgentFailed or Manual.</summary>
    public string Trigger { get; init; } = "";
    public string Reason { get; init; } = "";
    /// <summary>Fleet size before the change, and the size asked for.</summary>
    public int Current { get; init; }
    public int Desired { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
