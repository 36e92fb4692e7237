namespace Coordinator.Contracts;

/// <summary>Measured usage of the agent process: CPU percent of one machine, working set, disk used.</summary>
public sealed record ResourceUsage
{
    public double CpuPercent { get; init; }
    public long MemoryMb { get; init; }
    public long DiskMb { get; init; }
}
