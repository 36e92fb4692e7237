namespace Coordinator.Contracts;

/// <summary>
/// Internal, on <c>coordinator.agent-health</c>: what an agent's heartbeats say, forwarded to its state machine only when
/// it matters to its state (the status it reports changed, or it is heard from again after it was found silent). Every
/// other heartbeat stays in the coordinator's memory.
/// </summary>
public sealed record AgentHealthReported
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public AgentHealthCheck Health { get; init; } = new();
    /// <summary>When the coordinator heard it (its own clock): liveness is measured from here.</summary>
    public DateTimeOffset LastHeartbeat { get; init; }
    /// <summary>The agent's own timestamp of that heartbeat (orders reports).</summary>
    public DateTimeOffset SentAt { get; init; }
    public long HeartbeatCount { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
