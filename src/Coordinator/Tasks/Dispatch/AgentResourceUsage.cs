using Coordinator.Contracts;

namespace Coordinator.Tasks.Dispatch;

/// <summary>One agent's declared capacity, what is reserved on it, what it measures, and the reserved shares.</summary>
public sealed record AgentResourceUsage(
    string AgentId, string State, AgentResources Capacity, TaskResources Allocated, ResourceUsage Measured, double CpuAllocated, double MemoryAllocated);
