namespace Coordinator.Contracts;

/// <summary>Sent by an agent worker every heartbeat interval.</summary>
public sealed record AgentHeartbeat
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public AgentHealthCheck Health { get; init; } = new();
    public DateTimeOffset Timestamp { get; init; }
}
