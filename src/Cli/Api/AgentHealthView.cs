namespace CoordinatorCli.Api;

public sealed record AgentHealthView
{
    public string? ReportedStatus { get; init; }
    public ResourceUsageView? Usage { get; init; }
    public int ErrorCount { get; init; }
    public int MissedHeartbeats { get; init; }
    public long HeartbeatCount { get; init; }
}
