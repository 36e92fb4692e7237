using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>
/// Sent to queue <c>agent-{AgentId}</c>: run this task. <see cref="Attempt"/> is the fencing token:
/// a result reported for an attempt that is no longer current is recorded as stale.
/// </summary>
public sealed record AssignTask
{
    public string TaskId { get; init; } = "";
    public string TaskType { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    /// <summary>Attempts of this task that failed before this one (carried so a moved assignment keeps its retry budget).</summary>
    public int FailedAttempts { get; init; }
    /// <summary>Carried so that an assignment drained from a failed agent's queue can be placed again as it was.</summary>
    public IReadOnlyList<string> RequiredCapabilities { get; init; } = [];
    public JsonElement? Payload { get; init; }
    public int Priority { get; init; }
    /// <summary>When the handler is cancelled: the task's deadline, or the coordinator's task timeout, whichever is sooner.</summary>
    public DateTimeOffset Deadline { get; init; }
    public TaskResources Resources { get; init; } = new();
    public DateTimeOffset SubmittedAt { get; init; }
    /// <summary>The last checkpoint an earlier attempt of this task saved (null on a first attempt or when none was saved).</summary>
    public JsonElement? Checkpoint { get; init; }
    /// <summary>
    /// The epoch of the lease the sending coordinator held (0: a coordinator on its own, with no lease). An agent that has
    /// had an assignment of a later epoch refuses this one: it comes from a coordinator that no longer owns the task path.
    /// </summary>
    public long OwnerEpoch { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
