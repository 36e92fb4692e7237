namespace Coordinator.Contracts;

/// <summary>
/// The coordinator's own verdict on a live agent's condition, published by the health sweep when it
/// changes: resource usage near the agent's declared limits, latency or error rate well off the agent's
/// own baseline, or no consumer on its queue while it still heartbeats. The agent's state is the worse
/// of this verdict and the agent's own report: Degraded gets fewer new tasks, Unhealthy none.
/// </summary>
public sealed record AgentHealthAssessed
{
    public string AgentId { get; init; } = "";
    public AgentHealthStatus Status { get; init; }
    /// <summary>What the verdict rests on, e.g. "memory 990 of 1000 MB (99%)"; empty when healthy.</summary>
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
