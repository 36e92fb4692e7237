namespace Coordinator.Contracts;

/// <summary>The health report an agent carries in each heartbeat.</summary>
public sealed record AgentHealthCheck
{
    public AgentHealthStatus Status { get; init; }
    public ResourceUsage Usage { get; init; } = new();
    public int ActiveTasks { get; init; }
    public DateTimeOffset LastHeartbeat { get; init; }
    public int ErrorCount { get; init; }
}
