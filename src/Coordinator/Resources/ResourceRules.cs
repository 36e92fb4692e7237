using Coordinator.Contracts;

namespace Coordinator.Resources;

/// <summary>
/// The seed's ResourceManager rules, as pure functions: what a task may ask (ResourceLimits), whether an agent's declared
/// capacity could ever hold it, and whether it fits beside what is reserved there now. The reservations themselves belong to
/// the owner of in-flight work (each task in flight carries its own), so no second book of them exists.
/// </summary>
public static class ResourceRules
{
    /// <summary>Why a request can never be met under ResourceLimits, or null.</summary>
    public static string? CheckLimits(TaskResources request, ResourceLimitsOptions limits)
    {
        if (!double.IsFinite(request.CpuCores) || request.CpuCores < 0 || request.MemoryMb < 0 || request.DiskMb < 0)
            return "resources must not be negative";
        if (request.CpuCores > limits.MaxTaskCpuCores)
            return $"resources.cpuCores {request.CpuCores} exceeds the limit of {limits.MaxTaskCpuCores}";
        if (request.MemoryMb > limits.MaxTaskMemoryMb)
            return $"resources.memoryMb {request.MemoryMb} exceeds the limit of {limits.MaxTaskMemoryMb}";
        if (request.DiskMb > limits.MaxTaskDiskMb)
            return $"resources.diskMb {request.DiskMb} exceeds the limit of {limits.MaxTaskDiskMb}";
        return null;
    }

    /// <summary>Whether capacity <paramref name="declared"/> could ever hold the request (ignoring what is reserved now).</summary>
    public static bool CouldEverFit(AgentResources declared, TaskResources request) =>
        request.CpuCores <= declared.CpuCores && request.MemoryMb <= declared.MemoryMb && request.DiskMb <= declared.DiskMb;

    /// <summary>Whether the request fits in what <paramref name="declared"/> has left beside <paramref name="reserved"/>.</summary>
    public static bool Fits(AgentResources declared, TaskResources reserved, TaskResources request) =>
        reserved.CpuCores + request.CpuCores <= declared.CpuCores + 1e-9
        && reserved.MemoryMb + request.MemoryMb <= declared.MemoryMb
        && reserved.DiskMb + request.DiskMb <= declared.DiskMb;

    public static TaskResources Add(TaskResources a, TaskResources b) =>
        new() { CpuCores = a.CpuCores + b.CpuCores, MemoryMb = a.MemoryMb + b.MemoryMb, DiskMb = a.DiskMb + b.DiskMb };

    public static TaskResources Subtract(TaskResources a, TaskResources b) =>
        new() { CpuCores = Math.Max(0, a.CpuCores - b.CpuCores), MemoryMb = Math.Max(0, a.MemoryMb - b.MemoryMb), DiskMb = Math.Max(0, a.DiskMb - b.DiskMb) };
}
