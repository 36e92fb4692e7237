namespace CoordinatorCli.Api;

/// <summary>GET /api/limits: a task type's limit (nulls: none of that kind) and how many of it are in flight.</summary>
public sealed record LimitView
{
    public string TaskType { get; init; } = "";
    public int? MaxConcurrent { get; init; }
    public double? PerSecond { get; init; }
    public int InFlight { get; init; }
}
