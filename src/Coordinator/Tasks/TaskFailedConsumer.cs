using Coordinator.Contracts;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks;

/// <summary>A failed attempt: retried with backoff (elsewhere if possible) until MaxRetries, then dead-lettered; past its deadline, TimedOut.</summary>
public sealed partial class TaskFailedConsumer(
    TaskPlacement placement,
    TaskLedger ledger,
    TaskRetryScheduler retries,
    Health.PerformanceBaselines baselines,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<TaskFailedConsumer> logger) : IConsumer<TaskFailed>
{
    public async Task Consume(ConsumeContext<TaskFailed> context)
    {
        var failed = context.Message;
        var durationMs = ReportedDuration.Milliseconds(failed.DurationMs);
        var attempt = placement.Finish(failed.TaskId, failed.Attempt, failed.AgentId, succeeded: false, durationMs);
        if (attempt is null)
        {
            LogStale(failed.TaskId, failed.Attempt, failed.AgentId);
            return;
        }
        baselines.Record(failed.AgentId, attempt.Task.TaskType, succeeded: false, durationMs);

        var task = attempt.Task;
        var now = time.GetUtcNow();
        var startedAt = failed.Timestamp.ToUniversalTime() - ReportedDuration.Of(durationMs);
        if (failed.TimedOut || task.Deadline is { } deadline && deadline <= now)
        {
            await ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.TimedOut, task.Attempt, now, r =>
            {
                r.AgentId = failed.AgentId;
                r.StartedAt ??= startedAt;
                r.FinishedAt = now;
                r.Error = failed.Error;
                r.Reason = failed.TimedOut ? "ran past its deadline or the task timeout" : "deadline passed";
            })).WaitAsync(context.CancellationToken);
            return;
        }

        var failures = task.FailedAttempts + 1;
        if (failures < options.MaxRetries)
        {
            var delay = options.RetryBackoff * Math.Pow(2, failures - 1);
            LogRetrying(task.TaskId, task.Attempt, failed.AgentId, failed.Error, delay.TotalMilliseconds);
            await ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.Failed, task.Attempt, now, r =>
            {
                r.AgentId = failed.AgentId;
                r.Error = failed.Error;
            })).WaitAsync(context.CancellationToken);
            await retries.ScheduleAsync(task with { Attempt = task.Attempt + 1, FailedAttempts = failures, AvoidAgentId = failed.AgentId }, delay,
                context.CancellationToken);
            return;
        }

        var reason = $"failed {failures} attempt(s){(task.Attempt > failures ? $" (moved {task.Attempt - failures} time(s) besides)" : "")}; last error: {failed.Error}";
        LogDeadLettered(task.TaskId, reason);
        await ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.DeadLettered, task.Attempt, now, r =>
        {
            r.AgentId = failed.AgentId;
            r.StartedAt ??= startedAt;
            r.FinishedAt = now;
            r.Error = failed.Error;
            r.Reason = reason;
        })).WaitAsync(context.CancellationToken);
        await context.Publish(new TaskDeadLettered { TaskId = task.TaskId, Attempts = task.Attempt, Reason = reason, Timestamp = now },
            context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Stale failure for task {TaskId} attempt {Attempt} from agent {AgentId}: not the current attempt on that agent, ignored")]
    partial void LogStale(string taskId, int attempt, string agentId);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} failed on {AgentId} ({Error}); retrying in {DelayMs} ms")]
    partial void LogRetrying(string taskId, int attempt, string agentId, string error, double delayMs);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} dead-lettered: {Reason}")]
    partial void LogDeadLettered(string taskId, string reason);
}
