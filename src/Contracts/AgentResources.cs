namespace Coordinator.Contracts;

/// <summary>Resources an agent declares (capacity) or a task requires.</summary>
public sealed record AgentResources
{
    public double CpuCores { get; init; }
    public long MemoryMb { get; init; }
    public long DiskMb { get; init; }
}
