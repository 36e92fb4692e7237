using System.Collections.Concurrent;
using Coordinator.Agents;
using Coordinator.Contracts;

namespace Coordinator.Resources;

/// <summary>
/// The seed's ResourceManager: reserves a task's resources on its agent at assignment and frees them
/// on completion, failure or loss; checks requests against ResourceLimits and each agent's declared
/// capacity; reports usage; suggests optimisations. In memory, on the placement path.
/// </summary>
public sealed class ResourceManager(ResourceLimitsOptions limits, TimeProvider time)
{
    readonly ConcurrentDictionary<string, Allocation> _allocations = new(StringComparer.Ordinal);

    sealed record Allocation(string TaskId, string AgentId, TaskResources Resources, DateTimeOffset At);

    /// <summary>Why a request can never be met under ResourceLimits, or null.</summary>
    public string? CheckLimits(TaskResources request)
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

    /// <summary>Whether the agent's declared capacity could ever hold the request (ignoring what is allocated now).</summary>
    public static bool CouldEverFit(AgentResources declared, TaskResources request) =>
        request.CpuCores <= declared.CpuCores && request.MemoryMb <= declared.MemoryMb && request.DiskMb <= declared.DiskMb;

    /// <summary>Whether the request fits in what the agent has left now.</summary>
    public bool CanPlace(AgentView agent, TaskResources request)
    {
        var used = AllocatedOn(agent.AgentId);
        return used.CpuCores + request.CpuCores <= agent.Resources.CpuCores + 1e-9
               && used.MemoryMb + request.MemoryMb <= agent.Resources.MemoryMb
               && used.DiskMb + request.DiskMb <= agent.Resources.DiskMb;
    }

    public void Allocate(string taskId, string agentId, TaskResources request) =>
        _allocations[taskId] = new Allocation(taskId, agentId, request, time.GetUtcNow());

    /// <summary>Frees a task's reservation; true when there was one.</summary>
    public bool Free(string taskId) => _allocations.TryRemove(taskId, out _);

    /// <summary>Frees everything reserved on an agent (it failed or left); returns the task ids.</summary>
    public IReadOnlyList<string> FreeAgent(string agentId)
    {
        var freed = _allocations.Values.Where(a => a.AgentId == agentId).Select(a => a.TaskId).ToList();
        foreach (var taskId in freed)
            _allocations.TryRemove(taskId, out _);
        return freed;
    }

    public TaskResources AllocatedOn(string agentId)
    {
        double cpu = 0;
        long memory = 0, disk = 0;
        foreach (var allocation in _allocations.Values)
        {
            if (allocation.AgentId != agentId)
                continue;
            cpu += allocation.Resources.CpuCores;
            memory += allocation.Resources.MemoryMb;
            disk += allocation.Resources.DiskMb;
        }
        return new TaskResources { CpuCores = cpu, MemoryMb = memory, DiskMb = disk };
    }

    public ResourceReport Report(IReadOnlyCollection<AgentView> agents, IReadOnlyCollection<TaskResources> waiting)
    {
        var perAgent = agents.Where(a => AgentStates.Live.Contains(a.State)).Select(a =>
        {
            var used = AllocatedOn(a.AgentId);
            return new AgentResourceUsage(a.AgentId, a.State, a.Resources, used, a.Health.Usage,
                Ratio(used.CpuCores, a.Resources.CpuCores), Ratio(used.MemoryMb, a.Resources.MemoryMb));
        }).OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList();

        var totalCapacity = new TaskResources
        {
            CpuCores = perAgent.Sum(a => a.Capacity.CpuCores),
            MemoryMb = perAgent.Sum(a => a.Capacity.MemoryMb),
            DiskMb = perAgent.Sum(a => a.Capacity.DiskMb),
        };
        var totalAllocated = new TaskResources
        {
            CpuCores = perAgent.Sum(a => a.Allocated.CpuCores),
            MemoryMb = perAgent.Sum(a => a.Allocated.MemoryMb),
            DiskMb = perAgent.Sum(a => a.Allocated.DiskMb),
        };
        return new ResourceReport(totalCapacity, totalAllocated, _allocations.Count, perAgent, Suggest(perAgent, waiting));
    }

    IReadOnlyList<string> Suggest(List<AgentResourceUsage> agents, IReadOnlyCollection<TaskResources> waiting)
    {
        var suggestions = new List<string>();
        var now = time.GetUtcNow();
        var idle = _allocations.Values.Where(a => now - a.At > TimeSpan.FromMinutes(10)).ToList();
        if (idle.Count > 0)
            suggestions.Add($"{idle.Count} reservation(s) held for over 10 minutes (oldest: task {idle.MinBy(a => a.At)!.TaskId}); check for stuck tasks");

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

public sealed record AgentResourceUsage(
    string AgentId, string State, AgentResources Capacity, TaskResources Allocated, ResourceUsage Measured, double CpuAllocated, double MemoryAllocated);

public sealed record ResourceReport(
    TaskResources Capacity, TaskResources Allocated, int Reservations, IReadOnlyList<AgentResourceUsage> Agents, IReadOnlyList<string> Suggestions);
