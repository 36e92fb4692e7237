namespace CoordinatorCli.Api;

public sealed record ResourceUsageView
{
    public double CpuPercent { get; init; }
    public double MemoryMb { get; init; }
    public double DiskMb { get; init; }
}
