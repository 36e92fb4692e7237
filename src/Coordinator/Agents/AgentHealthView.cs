using Coordinator.Contracts;

namespace Coordinator.Agents;

public sealed record AgentHealthView
{
    public required string ReportedStatus { get; init; }
    /// <summary>The coordinator's own verdict; the agent's state is the worse of the two.</summary>
    public string AssessedStatus { get; init; } = "Healthy";
    public string AssessedReason { get; init; } = "";
    public required ResourceUsage Usage { get; init; }
    public required int ErrorCount { get; init; }
    public required int MissedHeartbeats { get; init; }
    public required long HeartbeatCount { get; init; }
}
