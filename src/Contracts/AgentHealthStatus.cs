namespace Coordinator.Contracts;

/// <summary>An agent's own view of its health, reported with every heartbeat.</summary>
public enum AgentHealthStatus
{
    Healthy = 0,
    Degraded = 1,
    Unhealthy = 2,
}
