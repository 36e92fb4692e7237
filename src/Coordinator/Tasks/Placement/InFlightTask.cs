using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// A task assigned to an agent and not yet finished: its current attempt (the fencing token), its agent, its reservation
/// (<see cref="DispatchTask.Resources"/>, counted on the agent while it is in flight) and its deadline.
/// </summary>
public sealed record InFlightTask(DispatchTask Task, string AgentId, DateTimeOffset AssignedAt, DateTimeOffset Deadline)
{
    public int Attempt => Task.Attempt;

    /// <summary>When the agent reported it started; null while it waits on the agent.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>The sequence of the last checkpoint this attempt saved (0: none yet; <see cref="DispatchTask.Checkpoint"/> is then an earlier attempt's).</summary>
    public int CheckpointSequence { get; init; }
}
