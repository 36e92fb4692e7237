using Coordinator.Contracts;

namespace Coordinator.Scaling;

/// <summary>Waiting tasks that need the same of an agent: a task type, required capabilities and resources.</summary>
public sealed record DemandGroup(string TaskType, IReadOnlyList<string> RequiredCapabilities, TaskResources Resources, int Waiting, TimeSpan OldestWait)
{
    public string Describe() =>
        RequiredCapabilities.Count == 0 ? $"'{TaskType}'" : $"'{TaskType}' needing {string.Join(", ", RequiredCapabilities)}";

    /// <summary>Whether an agent with these capabilities and resources could ever run tasks of this group.</summary>
    public bool IsServedBy(IReadOnlyList<string> capabilities, AgentResources resources) =>
        capabilities.Contains(TaskType, StringComparer.OrdinalIgnoreCase)
        && RequiredCapabilities.All(c => capabilities.Contains(c, StringComparer.OrdinalIgnoreCase))
        && Resources.CpuCores <= resources.CpuCores && Resources.MemoryMb <= resources.MemoryMb && Resources.DiskMb <= resources.DiskMb;
}
