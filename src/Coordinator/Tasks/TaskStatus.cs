namespace Coordinator.Tasks;

/// <summary>A task's status in the ledger. These exact names are the API's.</summary>
public enum TaskStatus
{
    Pending,
    Assigned,
    Running,
    Completed,
    Failed,
    TimedOut,
    DeadLettered,
    Rejected,
    /// <summary>Cancelled by a user: final, and fenced (a result that arrives afterwards is ignored).</summary>
    Cancelled,
    /// <summary>Submitted with a run-at time still to come: placed when it comes (a one-shot schedule holds it until then).</summary>
    Scheduled,
}

public static class TaskStatuses
{
    /// <summary>Statuses a task never leaves.</summary>
    public static bool IsTerminal(this TaskStatus status) =>
        status is TaskStatus.Completed or TaskStatus.TimedOut or TaskStatus.DeadLettered or TaskStatus.Rejected or TaskStatus.Cancelled;
}
