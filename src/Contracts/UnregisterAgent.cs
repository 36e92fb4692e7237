namespace Coordinator.Contracts;

/// <summary>Sent by an agent worker after a graceful stop has drained its work.</summary>
public sealed record UnregisterAgent
{
    public string AgentId { get; init; } = "";
    public Guid InstanceId { get; init; }
    public string Reason { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
