using System.Globalization;
using Coordinator.Contracts;

namespace Coordinator.Tasks.Results;

/// <summary>
/// What follows a failed attempt, as a pure function: TimedOut when it ran past its deadline (or the deadline has passed);
/// another attempt after a doubling backoff while failures stay under MaxRetries (moves do not count); else DeadLettered.
/// </summary>
public static class RetryPolicy
{
    public static FailureDecision Next(DispatchTask task, bool timedOut, string error, string agentId, DateTimeOffset now, int maxRetries,
        TimeSpan backoff)
    {
        if (timedOut || task.Deadline is { } deadline && deadline <= now)
            return new FailureDecision(FailureOutcome.TimedOut, null, TimeSpan.Zero, timedOut ? "ran past its deadline or the task timeout" : "deadline passed");
        var failures = task.FailedAttempts + 1;
        if (failures < maxRetries)
            return new FailureDecision(FailureOutcome.Retry, TaskForms.Retried(task, agentId), backoff * Math.Pow(2, failures - 1), null);
        var moves = task.Attempt - failures;
        var moved = moves > 0 ? string.Create(CultureInfo.InvariantCulture, $" (moved {moves} time(s) besides)") : "";
        return new FailureDecision(FailureOutcome.DeadLettered, null, TimeSpan.Zero, $"failed {failures} attempt(s){moved}; last error: {error}");
    }
}
