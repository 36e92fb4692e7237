using Coordinator.Contracts;

namespace Coordinator.Tasks.Dispatch;

/// <summary>A task waiting for an agent, with what it needs and how long it has waited.</summary>
public sealed record WaitingTask(string TaskType, IReadOnlyList<string> RequiredCapabilities, TaskResources Resources, TimeSpan Waited);
