namespace Coordinator.Contracts;

/// <summary>What an operator needs to find and identify the process behind an agent.</summary>
public sealed record AgentMetadata
{
    public string AgentType { get; init; } = "generic";
    public string Version { get; init; } = "0.0.0";
    public DateTimeOffset StartedAt { get; init; }
    public string HostName { get; init; } = "";
    public int ProcessId { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}
