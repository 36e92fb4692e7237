namespace Coordinator.Contracts;

/// <summary>
/// Published by the coordinator's health sweep when an agent has been silent for
/// <see cref="MissedHeartbeats"/> intervals, short of the failure threshold: the agent is unhealthy.
/// </summary>
public sealed record AgentHeartbeatMissed
{
    public string AgentId { get; init; } = "";
    public int MissedHeartbeats { get; init; }
    /// <summary>The last heartbeat the sweep saw; a verdict older than the agent's latest heartbeat is ignored.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
