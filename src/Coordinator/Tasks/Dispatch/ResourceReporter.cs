using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Tasks.Placement;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The seed's ResourceManager usage report and optimisation suggestions, read from the owner of in-flight work (every
/// reservation is a task in flight there) and the registry: reservations held too long, fragmentation, over-commitment.
/// </summary>
public sealed class ResourceReporter(TaskPlacement placement, AgentRegistry registry, TimeProvider time)
{
    /// <summary>A reservation held longer than this is suggested as stuck.</summary>
    static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(10);

    public ResourceReport Report()
    {
        var inFlight = placement.InFlightSnapshot();
        var perAgent = registry.All.Where(a => AgentStates.Live.Contains(a.State)).Select(a =>
        {
            var used = placement.AllocatedOn(a.AgentId);
            return new AgentResourceUsage(a.AgentId, a.State, a.Resources, used, a.Health.Usage,
                Ratio(used.CpuCores, a.Resources.CpuCores), Ratio(used.MemoryMb, a.Resources.MemoryMb));
        }).OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList();

        var capacity = new TaskResources
        {
            CpuCores = perAgent.Sum(a => a.Capacity.CpuCores),
            MemoryMb = perAgent.Sum(a => a.Capacity.MemoryMb),
            DiskMb = perAgent.Sum(a => a.Capacity.DiskMb),
        };
        var allocated = perAgent.Select(a => a.Allocated).Aggregate(new TaskResources(), Resources.ResourceRules.Add);
        var waiting = placement.Waiting.Select(t => t.Resources).ToList();
        return new ResourceReport(capacity, allocated, inFlight.Count, perAgent, Suggest(perAgent, inFlight, waiting));
    }

    IReadOnlyList<string> Suggest(List<AgentResourceUsage> agents, IReadOnlyList<InFlightTask> inFlight, List<TaskResources> waiting)
    {
        var suggestions = new List<string>();
        var now = time.GetUtcNow();
        var stuck = inFlight.Where(t => now - t.AssignedAt > StuckAfter).ToList();
        if (stuck.Count > 0)
            suggestions.Add($"{stuck.Count} reservation(s) held for over 10 minutes (oldest: task {stuck.MinBy(t => t.AssignedAt)!.Task.TaskId}); check for stuck tasks");

        foreach (var agent in agents)
        {
            if (agent.Capacity.MemoryMb > 0 && agent.Measured.MemoryMb > agent.Capacity.MemoryMb)
                suggestions.Add($"agent {agent.AgentId} is over-committed: it uses {agent.Measured.MemoryMb} MB of its declared {agent.Capacity.MemoryMb} MB");
        }

        foreach (var request in waiting.DistinctBy(r => (r.CpuCores, r.MemoryMb, r.DiskMb)))
        {
            var freeCpu = agents.Sum(a => a.Capacity.CpuCores - a.Allocated.CpuCores);
            var freeMemory = agents.Sum(a => a.Capacity.MemoryMb - a.Allocated.MemoryMb);
            var fitsAnywhere = agents.Any(a => a.Capacity.CpuCores - a.Allocated.CpuCores >= request.CpuCores
                                               && a.Capacity.MemoryMb - a.Allocated.MemoryMb >= request.MemoryMb);
            if (!fitsAnywhere && freeCpu >= request.CpuCores && freeMemory >= request.MemoryMb)
                suggestions.Add($"fragmentation: {freeCpu:0.##} cores and {freeMemory} MB are free in total, but no single agent can take a waiting task of {request.CpuCores} cores / {request.MemoryMb} MB");
        }
        return suggestions;
    }

    static double Ratio(double used, double capacity) => capacity <= 0 ? 0 : Math.Round(used / capacity, 3);
}
