namespace Coordinator.Contracts;

/// <summary>
/// Published when the coordinator concludes an agent has failed: by the health sweep once the
/// failure threshold of missed heartbeats is reached, or by an operator or detector through the
/// coordinator service. The agent's state machine moves it to Failed.
/// </summary>
public sealed record AgentFailureDetected
{
    public string AgentId { get; init; } = "";
    public string Reason { get; init; } = "";
    /// <summary>The last heartbeat the detector saw; a verdict older than the agent's latest heartbeat is ignored.</summary>
    public DateTimeOffset? LastHeartbeat { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
