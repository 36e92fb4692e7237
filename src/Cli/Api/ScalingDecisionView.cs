namespace CoordinatorCli.Api;

/// <summary>One element of the decisions in GET /api/scaling: when, what, which trigger and why, and the agents concerned.</summary>
public sealed record ScalingDecisionView
{
    public DateTimeOffset? At { get; init; }
    public string? Action { get; init; }
    public string? Trigger { get; init; }
    public string? Reason { get; init; }
    public int Current { get; init; }
    public int Desired { get; init; }
    public IReadOnlyList<string> AgentIds { get; init; } = [];
    public IReadOnlyDictionary<string, double>? Numbers { get; init; }
}
