namespace Coordinator.Scaling;

/// <summary>Everything a scaling decision depends on, taken at one instant: the input of <see cref="ScalingPolicy"/>.</summary>
public sealed record ScalingSnapshot
{
    public required DateTimeOffset At { get; init; }
    public required IReadOnlyList<FleetMember> Agents { get; init; }
    /// <summary>Waiting tasks, grouped by what they need.</summary>
    public required IReadOnlyList<DemandGroup> Demand { get; init; }
    /// <summary>Agents the ScalingManager ran that were lost since the last check (failed, or their process exited).</summary>
    public IReadOnlyList<FleetMember> Lost { get; init; } = [];
    /// <summary>Profiles whose last start failed and that wait out their backoff.</summary>
    public IReadOnlySet<string> BackingOff { get; init; } = new HashSet<string>();
    /// <summary>Tasks accepted per second, measured over the last check.</summary>
    public double ArrivalRate { get; init; }
    /// <summary>The forecast arrival rate at the horizon (Holt), when predictive scaling has enough history.</summary>
    public double? ForecastRate { get; init; }
    /// <summary>Recent mean run time of a task, seconds (0 when none finished yet).</summary>
    public double MeanTaskSeconds { get; init; }
    /// <summary>What <c>Resources:Fleet*</c> allows all live agents to declare together.</summary>
    public FleetResourceLimit ResourceLimit { get; init; } = FleetResourceLimit.None;
}

/// <summary>Totals the fleet's declared resources may not exceed (null: no limit).</summary>
public sealed record FleetResourceLimit(double? CpuCores, long? MemoryMb, long? DiskMb)
{
    public static readonly FleetResourceLimit None = new(null, null, null);
}
