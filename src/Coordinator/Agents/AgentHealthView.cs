using Coordinator.Contracts;

namespace Coordinator.Agents;

public sealed record AgentHealthView
{
    public required string ReportedStatus { get; init; }
    public required ResourceUsage Usage { get; init; }
    public required int ErrorCount { get; init; }
    public required int MissedHeartbeats { get; init; }
    public required long HeartbeatCount { get; init; }
}
