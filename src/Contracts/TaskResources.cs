namespace Coordinator.Contracts;

/// <summary>What one task needs of the agent it runs on.</summary>
public sealed record TaskResources
{
    public double CpuCores { get; init; }
    public long MemoryMb { get; init; }
    public long DiskMb { get; init; }
}
