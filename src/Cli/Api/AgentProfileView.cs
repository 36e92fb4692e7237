namespace CoordinatorCli.Api;

/// <summary>A kind of agent the ScalingManager can start; capabilities are comma-separated, as configured.</summary>
public sealed record AgentProfileView
{
    public string Name { get; init; } = "";
    public string? Capabilities { get; init; }
    public int Concurrency { get; init; }
    public double CpuCores { get; init; }
    public long MemoryMb { get; init; }
    public long DiskMb { get; init; }
    public double CostPerHour { get; init; }
}
