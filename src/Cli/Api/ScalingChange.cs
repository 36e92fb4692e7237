namespace CoordinatorCli.Api;

/// <summary>The 202 answer of POST /api/scaling/up and /down: the agents started or chosen to drain, and why (limits included).</summary>
public sealed record ScalingChange
{
    public IReadOnlyList<string> AgentIds { get; init; } = [];
    public string? Reason { get; init; }
}
