namespace CoordinatorCli.Api;

/// <summary>An agent the ScalingManager runs. Phase (Starting, Running, Draining) and state stay strings so new ones still read.</summary>
public sealed record ScaledAgentView
{
    public string AgentId { get; init; } = "";
    public string? Profile { get; init; }
    public string? Phase { get; init; }
    public string? State { get; init; }
    public int InFlight { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public DateTimeOffset? ActiveAt { get; init; }
    public DateTimeOffset? DrainingSince { get; init; }
}
