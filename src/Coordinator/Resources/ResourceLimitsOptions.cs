using System.ComponentModel.DataAnnotations;

namespace Coordinator.Resources;

/// <summary>The seed's ResourceLimits, section <c>Resources</c>: the bounds of what agents may declare and tasks may ask.</summary>
public sealed class ResourceLimitsOptions
{
    public const string Section = "Resources";

    [Range(0.01, 4096)]
    public double MaxAgentCpuCores { get; set; } = 256;

    [Range(1, long.MaxValue)]
    public long MaxAgentMemoryMb { get; set; } = 4L * 1024 * 1024;

    [Range(0, long.MaxValue)]
    public long MaxAgentDiskMb { get; set; } = 100L * 1024 * 1024;

    [Range(1, 100_000)]
    public int MaxTasksPerAgent { get; set; } = 1024;

    [Range(0.0, 4096)]
    public double MaxTaskCpuCores { get; set; } = 64;

    [Range(0, long.MaxValue)]
    public long MaxTaskMemoryMb { get; set; } = 256L * 1024;

    [Range(0, long.MaxValue)]
    public long MaxTaskDiskMb { get; set; } = 1024L * 1024;

    /// <summary>Most cores all live agents may declare together; the ScalingManager starts no agent beyond it. Unset: no limit.</summary>
    [Range(0.0, double.MaxValue)]
    public double? FleetCpuCores { get; set; }

    /// <summary>Most memory all live agents may declare together, MB. Unset: no limit.</summary>
    [Range(0, long.MaxValue)]
    public long? FleetMemoryMb { get; set; }

    /// <summary>Most disk all live agents may declare together, MB. Unset: no limit.</summary>
    [Range(0, long.MaxValue)]
    public long? FleetDiskMb { get; set; }
}
