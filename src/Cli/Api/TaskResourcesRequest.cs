namespace CoordinatorCli.Api;

public sealed record TaskResourcesRequest
{
    public double CpuCores { get; init; }
    public long MemoryMb { get; init; }
    public long DiskMb { get; init; }
}
