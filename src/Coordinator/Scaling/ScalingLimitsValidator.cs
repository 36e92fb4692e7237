using Coordinator.Resources;
using Microsoft.Extensions.Options;

namespace Coordinator.Scaling;

/// <summary>A profile must declare what an agent may declare (<c>Resources:MaxAgent*</c>), or every agent started from it would be refused.</summary>
public sealed class ScalingLimitsValidator(IOptions<ResourceLimitsOptions> limits) : IValidateOptions<ScalingOptions>
{
    public ValidateOptionsResult Validate(string? name, ScalingOptions options)
    {
        var max = limits.Value;
        var failures = new List<string>();
        for (var i = 0; i < options.Profiles.Count; i++)
        {
            var profile = options.Profiles[i];
            var key = $"{ScalingOptions.Section}:{nameof(ScalingOptions.Profiles)}:{i}";
            if (profile.CpuCores > max.MaxAgentCpuCores)
                failures.Add($"{key}:CpuCores: {profile.CpuCores} exceeds Resources:MaxAgentCpuCores ({max.MaxAgentCpuCores})");
            if (profile.MemoryMb > max.MaxAgentMemoryMb)
                failures.Add($"{key}:MemoryMb: {profile.MemoryMb} exceeds Resources:MaxAgentMemoryMb ({max.MaxAgentMemoryMb})");
            if (profile.DiskMb > max.MaxAgentDiskMb)
                failures.Add($"{key}:DiskMb: {profile.DiskMb} exceeds Resources:MaxAgentDiskMb ({max.MaxAgentDiskMb})");
            if (profile.Concurrency > max.MaxTasksPerAgent)
                failures.Add($"{key}:Concurrency: {profile.Concurrency} exceeds Resources:MaxTasksPerAgent ({max.MaxTasksPerAgent})");
            if (max.FleetCpuCores is { } fleetCpu && options.Enabled && i == 0 && options.MinAgents * profile.CpuCores > fleetCpu)
                failures.Add($"{key}:CpuCores: MinAgents ({options.MinAgents}) × {profile.CpuCores} exceeds Resources:FleetCpuCores ({fleetCpu})");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
