namespace CoordinatorCli.Api;

public sealed record AgentMetadataView
{
    public string? AgentType { get; init; }
    public string? Version { get; init; }
    public string? HostName { get; init; }
    public int? ProcessId { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
}
