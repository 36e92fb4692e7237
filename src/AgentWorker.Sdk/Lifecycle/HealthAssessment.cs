using Coordinator.Contracts;

namespace Coordinator.AgentWorker.Sdk.Lifecycle;

/// <summary>The agent's own verdict on its health, from its usage against what it declared.</summary>
internal static class HealthAssessment
{
    public static AgentHealthStatus Assess(ResourceUsage usage, AgentOptions options)
    {
        var memory = (double)usage.MemoryMb / options.MemoryMb;
        var disk = options.DiskMb > 0 ? (double)usage.DiskMb / options.DiskMb : 0;
        if (memory >= 0.95 || disk >= 0.95)
            return AgentHealthStatus.Unhealthy;
        if (memory >= 0.80 || disk >= 0.80 || usage.CpuPercent >= 95)
            return AgentHealthStatus.Degraded;
        return AgentHealthStatus.Healthy;
    }
}
