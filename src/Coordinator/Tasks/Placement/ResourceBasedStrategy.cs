using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// The least utilised agent against its capacity: the highest of reserved CPU, reserved memory, slots
/// in use and measured CPU, each as a fraction of what the agent declared.
/// </summary>
public sealed class ResourceBasedStrategy : IPlacementStrategy
{
    public string Name => "ResourceBased";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible) =>
        eligible.OrderBy(Utilisation).ThenBy(c => c.AgentId, StringComparer.Ordinal).First();

    public static double Utilisation(AgentCandidate c)
    {
        var capacity = c.Agent.Resources;
        var cpu = capacity.CpuCores > 0 ? c.Allocated.CpuCores / capacity.CpuCores : 0;
        var memory = capacity.MemoryMb > 0 ? (double)c.Allocated.MemoryMb / capacity.MemoryMb : 0;
        var slots = c.Slots > 0 ? (double)c.InFlight / c.Slots : 1;
        var measuredCpu = c.Agent.Health.Usage.CpuPercent / 100.0;
        return Math.Max(Math.Max(cpu, memory), Math.Max(slots, measuredCpu));
    }
}
