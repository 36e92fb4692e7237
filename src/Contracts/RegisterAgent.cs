namespace Coordinator.Contracts;

/// <summary>
/// Sent by an agent worker on start (and again after a broker outage). Registering a known id
/// from the same <see cref="InstanceId"/> is idempotent; a different live instance is a conflict.
/// </summary>
public sealed record RegisterAgent
{
    public string AgentId { get; init; } = "";
    /// <summary>Unique per worker process start: tells a restart of the same agent from an impostor.</summary>
    public Guid InstanceId { get; init; }
    public IReadOnlyList<string> Capabilities { get; init; } = [];
    public AgentResources Resources { get; init; } = new();
    public int MaxConcurrentTasks { get; init; } = 1;
    public AgentMetadata Metadata { get; init; } = new();
    public DateTimeOffset Timestamp { get; init; }
}
