namespace CoordinatorCli.Api;

public sealed record AgentResourcesView
{
    public double CpuCores { get; init; }
    public double MemoryMb { get; init; }
    public double DiskMb { get; init; }
}
