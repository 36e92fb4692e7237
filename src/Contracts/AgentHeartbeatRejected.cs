namespace Coordinator.Contracts;

/// <summary>Published when a heartbeat is refused (unknown agent, stale instance, agent no longer live).</summary>
public sealed record AgentHeartbeatRejected
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
