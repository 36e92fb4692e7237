namespace Coordinator.Contracts;

/// <summary>Published when an agent has left gracefully.</summary>
public sealed record AgentUnregistered
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
