using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>
/// Published by an agent to <c>coordinator.task-events</c> when a handler saves a checkpoint. The coordinator stores the
/// latest of the current attempt with the task, and the task's next attempt (a retry, or a move off a failed or drained
/// agent) receives it in <see cref="AssignTask.Checkpoint"/>.
/// </summary>
public sealed record TaskCheckpointed
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    /// <summary>Counts the attempt's checkpoints from 1: a checkpoint older than one already stored is ignored.</summary>
    public int Sequence { get; init; }
    public JsonElement Checkpoint { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
