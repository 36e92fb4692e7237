namespace Coordinator.Tasks.Ledger;

/// <summary>
/// One change to a task's ledger record. Updates are applied in the order they were made; a terminal
/// status is never left, and a status from an older attempt never overwrites a newer attempt's.
/// </summary>
public sealed record TaskUpdate(string TaskId, TaskStatus Status, int Attempt, DateTimeOffset At, Action<TaskRecord>? Apply = null)
{
    /// <summary>The full record for a new task (Pending or Rejected at intake).</summary>
    public TaskRecord? Created { get; init; }

    /// <summary>A re-run: the one update that may take a task out of a terminal status (a new attempt series starts with it).</summary>
    public bool Reopens { get; init; }

    public void ApplyTo(TaskRecord record)
    {
        if ((record.Status.IsTerminal() && !Reopens) || Attempt < record.Attempts)
            return;
        record.Status = Status;
        record.Attempts = Math.Max(record.Attempts, Attempt);
        record.UpdatedAt = At;
        Apply?.Invoke(record);
    }
}
