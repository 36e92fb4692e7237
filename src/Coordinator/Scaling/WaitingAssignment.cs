using Coordinator.Contracts;

namespace Coordinator.Scaling;

/// <summary>An assignment an agent holds and has not started, and how long it has waited there.</summary>
public sealed record WaitingAssignment(
    string TaskId,
    int Attempt,
    string AgentId,
    string TaskType,
    IReadOnlyList<string> RequiredCapabilities,
    TaskResources Resources,
    TimeSpan Waited);
