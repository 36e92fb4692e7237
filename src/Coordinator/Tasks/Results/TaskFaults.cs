using Coordinator.Contracts;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>
/// What becomes of a task when a consumer on its path could not process a message about it (MassTransit's Fault, after the
/// endpoint's own retries): the task ends in a status with the reason, in the ledger and as an event, instead of its message
/// lying in an <c>_error</c> queue while the ledger says Pending or Running.
/// </summary>
public sealed partial class TaskFaults(TaskPlacement placement, TaskLedger ledger, TaskQueries queries, TimeProvider time, ILogger<TaskFaults> logger)
{
    /// <summary>A submission intake could not process: Rejected with the reason, unless the task got into the system after all.</summary>
    public async Task SubmissionFailedAsync(SubmitTask submission, string taskId, string error, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(taskId, cancellationToken) is { } known)
        {
            LogAlreadyKnown(taskId, known.Status, error);
            return;
        }
        var now = time.GetUtcNow();
        var reason = $"the coordinator could not process this submission: {error}";
        ledger.Record(new TaskUpdate(taskId, TaskStatus.Rejected, 0, now)
        {
            Created = TaskForms.Record(submission, taskId, TaskStatus.Rejected, now, reason),
        });
        LogRecorded(taskId, 0, TaskStatus.Rejected, reason);
        await publisher.Publish(new TaskRejected { TaskId = taskId, Reason = reason, Timestamp = now }, cancellationToken);
    }

    /// <summary>An attempt the dispatcher could not place: dead-lettered with the reason, unless it is placed or waiting after all.</summary>
    public Task DispatchFailedAsync(DispatchTask task, string error, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (placement.IsInFlight(task.TaskId) || placement.Waiting.Any(w => w.TaskId == task.TaskId))
        {
            LogStillAlive(task.TaskId, task.Attempt, error);
            return Task.CompletedTask;
        }
        placement.RememberFinished(task.TaskId, task.Attempt);
        return DeadLetterAsync(task.TaskId, task.Attempt, null, $"the dispatcher could not process attempt {task.Attempt}: {error}", publisher,
            cancellationToken);
    }

    /// <summary>
    /// A result that could not be processed. The attempt is ended (its slot freed) and the task recorded: Completed with its
    /// result when the agent completed it, else dead-lettered with the reason (its retry could not be decided).
    /// </summary>
    public async Task ResultFailedAsync(string taskId, int attempt, string agentId, TaskCompleted? completed, string error,
        IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        // Only a report of the attempt the ledger has on that agent counts: a stale or forged one that faulted changes nothing.
        if (string.IsNullOrEmpty(taskId) || await queries.FindAsync(taskId, cancellationToken) is not { } known
            || known.Attempts != attempt || known.AgentId != agentId || Enum.Parse<TaskStatus>(known.Status).IsTerminal())
        {
            LogIgnored(taskId, attempt, agentId, error);
            return;
        }
        placement.Finish(taskId, attempt, agentId, succeeded: completed is not null, 0, measured: false); // freed if it was still current
        var now = time.GetUtcNow();
        if (completed is not null)
        {
            ledger.Record(new TaskUpdate(taskId, TaskStatus.Completed, attempt, now, r =>
            {
                r.AgentId = agentId;
                r.FinishedAt = now;
                r.Result = completed.Result?.GetRawText();
                r.Reason = $"completed by agent {agentId}, but the report could not be fully processed: {error}";
            }));
            LogRecorded(taskId, attempt, TaskStatus.Completed, error);
            return;
        }
        await DeadLetterAsync(taskId, attempt, agentId, $"the failure reported by agent {agentId} could not be processed: {error}", publisher,
            cancellationToken);
    }

    async Task DeadLetterAsync(string taskId, int attempt, string? agentId, string reason, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        ledger.Record(new TaskUpdate(taskId, TaskStatus.DeadLettered, attempt, now, r =>
        {
            r.AgentId ??= agentId;
            r.FinishedAt = now;
            r.Reason = reason;
        }));
        LogRecorded(taskId, attempt, TaskStatus.DeadLettered, reason);
        await publisher.Publish(new TaskDeadLettered { TaskId = taskId, Attempts = attempt, Reason = reason, Timestamp = now }, cancellationToken);
    }

    /// <summary>The first exception of a fault, as one line.</summary>
    public static string Describe<T>(Fault<T> fault) =>
        fault.Exceptions.FirstOrDefault() is { } ex ? $"{ex.ExceptionType.Split('.').Last()}: {ex.Message}" : "an unknown error";

    [LoggerMessage(LogLevel.Error, "Task {TaskId} attempt {Attempt} recorded {Status}: {Reason}")]
    partial void LogRecorded(string taskId, int attempt, TaskStatus status, string reason);

    [LoggerMessage(LogLevel.Warning, "A report on task {TaskId} attempt {Attempt} from agent {AgentId} faulted ({Error}), and is not the task's current attempt there: ignored")]
    partial void LogIgnored(string? taskId, int attempt, string agentId, string error);

    [LoggerMessage(LogLevel.Warning, "The submission of task {TaskId} faulted ({Error}), but the task is known ({Status}): left as it is")]
    partial void LogAlreadyKnown(string taskId, string status, string error);

    [LoggerMessage(LogLevel.Warning, "A dispatch of task {TaskId} attempt {Attempt} faulted ({Error}), but the task is placed or waiting: left as it is")]
    partial void LogStillAlive(string taskId, int attempt, string error);
}
