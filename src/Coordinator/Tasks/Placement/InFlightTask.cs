using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>A task assigned to an agent and not yet finished: its current attempt is the fencing token.</summary>
public sealed record InFlightTask(DispatchTask Task, string AgentId, DateTimeOffset AssignedAt)
{
    public int Attempt => Task.Attempt;

    /// <summary>When the agent reported it started; null while it waits on the agent.</summary>
    public DateTimeOffset? StartedAt { get; init; }
}
