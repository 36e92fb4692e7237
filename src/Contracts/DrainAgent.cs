namespace Coordinator.Contracts;

/// <summary>Sent by an agent worker when a graceful stop begins: place no new work on it.</summary>
public sealed record DrainAgent
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
