namespace CoordinatorCli.Api;

/// <summary>One element of GET /api/agents; every member optional so a leaner or richer server still reads.</summary>
public sealed record AgentView
{
    public string AgentId { get; init; } = "";
    public string State { get; init; } = "";
    public IReadOnlyList<string>? Capabilities { get; init; }
    public AgentResourcesView? Resources { get; init; }
    public int MaxConcurrentTasks { get; init; }
    public AgentMetadataView? Metadata { get; init; }
    public DateTimeOffset? LastHeartbeat { get; init; }
    public int ActiveTasks { get; init; }
    public AgentHealthView? Health { get; init; }
}
