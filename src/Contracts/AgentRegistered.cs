namespace Coordinator.Contracts;

/// <summary>Published when an agent's registration is accepted (first time or after failure/unregistration).</summary>
public sealed record AgentRegistered
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public AgentResources Resources { get; init; } = new();
    public int MaxConcurrentTasks { get; init; }
    /// <summary>
    /// True when this same instance had been declared failed (say, after a pause): its work was moved
    /// elsewhere, so whatever it was still running is stale and must stop.
    /// </summary>
    public bool WasEvicted { get; init; }
    /// <summary>
    /// When the coordinator accepted this instance (unchanged by later confirmations of the same instance): work assigned to
    /// the agent id before then was assigned to an earlier instance.
    /// </summary>
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
