using Coordinator.Contracts;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>
/// A failed attempt: retried with backoff (elsewhere if possible) until MaxRetries, then dead-lettered; past its deadline, TimedOut.
/// The last checkpoint it carries is stored before anything else, so the retry starts from it.
/// </summary>
public sealed partial class TaskFailedConsumer(
    TaskPlacement placement,
    TaskLedger ledger,
    TaskRetryScheduler retries,
    TaskCheckpoints checkpoints,
    CoordinatorOptions options,
    TimeProvider time,
    ILogger<TaskFailedConsumer> logger) : IConsumer<TaskFailed>
{
    public async Task Consume(ConsumeContext<TaskFailed> context)
    {
        var failed = context.Message;
        // The attempt's last checkpoint first (its own TaskCheckpointed may come after this): the retry resumes from it.
        if (failed is { CheckpointSequence: > 0, Checkpoint: { } checkpoint })
            await checkpoints.StoreAsync(failed.TaskId, failed.Attempt, failed.AgentId, failed.CheckpointSequence, checkpoint, failed.Timestamp,
                context.CancellationToken);
        var durationMs = ReportedDuration.Milliseconds(failed.DurationMs);
        var attempt = placement.Finish(failed.TaskId, failed.Attempt, failed.AgentId, succeeded: false, durationMs);
        if (attempt is null)
        {
            LogStale(failed.TaskId, failed.Attempt, failed.AgentId);
            return;
        }

        var task = attempt.Task;
        var now = time.GetUtcNow();
        var startedAt = failed.StartedAt?.ToUniversalTime() ?? failed.Timestamp.ToUniversalTime() - ReportedDuration.Of(durationMs);
        var decision = RetryPolicy.Next(task, failed.TimedOut, failed.Error, failed.AgentId, now, options.MaxRetries, options.RetryBackoff);
        switch (decision.Outcome)
        {
            case FailureOutcome.Retry:
                LogRetrying(task.TaskId, task.Attempt, failed.AgentId, failed.Error, decision.Delay.TotalMilliseconds);
                await ledger.RecordDurablyAsync(new TaskUpdate(task.TaskId, TaskStatus.Failed, task.Attempt, now, r =>
                {
                    r.AgentId = failed.AgentId;
                    r.Error = failed.Error;
                })).WaitAsync(context.CancellationToken);
                await retries.ScheduleAsync(decision.Next!, decision.Delay, context.CancellationToken);
                return;
            case FailureOutcome.TimedOut:
                await ledger.RecordDurablyAsync(Ended(TaskStatus.TimedOut, decision.Reason!)).WaitAsync(context.CancellationToken);
                return;
            default:
                LogDeadLettered(task.TaskId, decision.Reason!);
                await ledger.RecordDurablyAsync(Ended(TaskStatus.DeadLettered, decision.Reason!)).WaitAsync(context.CancellationToken);
                await context.Publish(new TaskDeadLettered { TaskId = task.TaskId, Attempts = task.Attempt, Reason = decision.Reason!, Timestamp = now },
                    context.CancellationToken);
                return;
        }

        TaskUpdate Ended(TaskStatus status, string reason) => new(task.TaskId, status, task.Attempt, now, r =>
        {
            r.AgentId = failed.AgentId;
            r.StartedAt ??= startedAt;
            r.FinishedAt = now;
            r.Error = failed.Error;
            r.Reason = reason;
        });
    }

    [LoggerMessage(LogLevel.Warning, "Stale failure for task {TaskId} attempt {Attempt} from agent {AgentId}: not the current attempt on that agent, ignored")]
    partial void LogStale(string taskId, int attempt, string agentId);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} failed on {AgentId} ({Error}); retrying in {DelayMs} ms")]
    partial void LogRetrying(string taskId, int attempt, string agentId, string error, double delayMs);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} dead-lettered: {Reason}")]
    partial void LogDeadLettered(string taskId, string reason);
}
