namespace Coordinator.Contracts;

/// <summary>
/// Published on <c>coordinator.agent-events</c> when the ScalingManager chooses agents to stop: they are drained
/// first (no new work; what they hold finishes), then stopped.
/// </summary>
public sealed record AgentsScaledDown
{
    public IReadOnlyList<string> AgentIds { get; init; } = [];
    /// <summary>What fired: Idle or Manual.</summary>
    public string Trigger { get; init; } = "";
    public string Reason { get; init; } = "";
    public int Current { get; init; }
    public int Desired { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
