using Coordinator.Contracts;

namespace Coordinator.Tasks.Dispatch;

/// <summary>The ResourceManager's report in /api/metrics: capacity and reservations, per agent and in all, and suggestions.</summary>
public sealed record ResourceReport(
    TaskResources Capacity, TaskResources Allocated, int Reservations, IReadOnlyList<AgentResourceUsage> Agents, IReadOnlyList<string> Suggestions);
