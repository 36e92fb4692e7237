namespace Coordinator.Tasks.Results;

/// <summary>How a task's failed attempt ends: timed out, retried, or dead-lettered.</summary>
public enum FailureOutcome
{
    TimedOut,
    Retry,
    DeadLettered,
}
