using Coordinator.Agents;
using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks;

/// <summary>
/// Accepts or rejects a submission (from the intake queue or the HTTP API): a rejected one is
/// recorded as Rejected with its reason and announced with TaskRejected; an accepted one is recorded
/// Pending and sent to the dispatch queue with its priority as the AMQP priority.
/// </summary>
public sealed partial class TaskIntake(
    TaskRules rules,
    AgentRegistry registry,
    AgentRegistryLoader agents,
    TaskLedger ledger,
    TimeProvider time,
    ILogger<TaskIntake> logger)
{
    public static string NewTaskId() => NewId.NextGuid().ToString();

    /// <summary>Returns the rejection reason, or null when the task was accepted.</summary>
    public async Task<string?> SubmitAsync(SubmitTask submission, string taskId, ISendEndpointProvider sender, IPublishEndpoint publisher,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var reason = rules.Validate(submission);
        var task = reason is null ? TaskRules.ToDispatch(submission, taskId, now) : null;
        if (reason is null && (registry.All.Count == 0 || rules.Unplaceable(task!) is not null))
        {
            // The registry may be a sweep behind: look again at the store before refusing (or before
            // accepting blind because no agent is known yet).
            await agents.RefreshAsync(cancellationToken);
            reason = rules.Unplaceable(task!);
        }
        if (reason is not null)
        {
            LogRejected(taskId, reason);
            ledger.Record(new TaskUpdate(taskId, TaskStatus.Rejected, 0, now) { Created = Record(submission, taskId, TaskStatus.Rejected, now, reason) });
            await publisher.Publish(new TaskRejected { TaskId = taskId, Reason = reason, Timestamp = now }, cancellationToken);
            return reason;
        }

        ledger.Record(new TaskUpdate(taskId, TaskStatus.Pending, 0, now) { Created = Record(submission, taskId, TaskStatus.Pending, now, null) });
        await DispatchQueue.SendAsync(sender, task!, cancellationToken);
        return null;
    }

    static TaskRecord Record(SubmitTask submission, string taskId, TaskStatus status, DateTimeOffset now, string? reason) => new()
    {
        TaskId = taskId,
        TaskType = string.IsNullOrWhiteSpace(submission.TaskType) ? "(none)" : submission.TaskType.Trim()[..Math.Min(128, submission.TaskType.Trim().Length)],
        Status = status,
        Priority = submission.Priority,
        RequiredCapabilities = submission.RequiredCapabilities?.ToList() ?? [],
        CpuCores = submission.Resources?.CpuCores ?? 0,
        MemoryMb = submission.Resources?.MemoryMb ?? 0,
        DiskMb = submission.Resources?.DiskMb ?? 0,
        // Kept whole (intake bounds it by MaxPayloadBytes): a restarted coordinator re-creates in-flight work from it.
        Payload = submission.Payload?.GetRawText(),
        Deadline = submission.Deadline?.ToUniversalTime(),
        SubmittedAt = now,
        UpdatedAt = now,
        Reason = reason,
        FinishedAt = status == TaskStatus.Rejected ? now : null,
    };

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} rejected: {Reason}")]
    partial void LogRejected(string taskId, string reason);
}
