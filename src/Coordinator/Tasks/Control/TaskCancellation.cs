using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Control;

/// <summary>
/// Cancels a task, finally and fenced. Placement forgets it for good (a copy still in the backlog, a retry timer, a
/// redelivery: each is dropped when it comes up); a task held by an agent is taken back from it and the agent is told
/// (<see cref="CancelTask"/>: a held assignment never starts, a running handler gets its token cancelled); the ledger
/// records Cancelled with the reason, and whatever the agent reports on that attempt afterwards is stale, ignored and
/// logged. A task that has ended cannot be cancelled.
/// </summary>
public sealed partial class TaskCancellation(
    TaskPlacement placement,
    TaskQueries queries,
    TaskLedger ledger,
    Scheduling.ScheduleStore schedules,
    IBus bus,
    RabbitMqOptions broker,
    TimeProvider time,
    ILogger<TaskCancellation> logger)
{
    /// <summary>
    /// The status the task ended with (Cancelled, or what it had reached first), or null when it is unknown; and the reason
    /// stored with it (<c>cancelled: ...</c> when this or an earlier cancel ended it).
    /// </summary>
    public sealed record Outcome(string? Status, bool Cancelled, string? AgentId, string? Reason = null);

    public async Task<Outcome> CancelAsync(string taskId, string reason, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(taskId, cancellationToken) is not { } task)
            return new Outcome(null, false, null);
        if (Enum.Parse<TaskStatus>(task.Status).IsTerminal())
            return new Outcome(task.Status, false, task.AgentId, task.Reason);

        var now = time.GetUtcNow();
        if (task.Status == nameof(TaskStatus.Scheduled))
            await schedules.RemoveAsync(Scheduling.ScheduleForms.OnceId(taskId), cancellationToken); // (if it fires meanwhile, the intake finds it Cancelled)
        var held = placement.Cancel(taskId);
        var attempt = Math.Max(task.Attempts, held?.Attempt ?? 0);
        await ledger.RecordDurablyAsync(new TaskUpdate(taskId, TaskStatus.Cancelled, attempt, now, r =>
        {
            r.FinishedAt = now;
            r.Reason = $"cancelled: {reason}";
        })).WaitAsync(cancellationToken);
        if (held is not null)
        {
            await (await bus.GetSendEndpoint(broker.QueueAddress(EntityNames.AgentQueue(held.AgentId)))).Send(new CancelTask
            {
                TaskId = taskId, AgentId = held.AgentId, Attempt = held.Attempt, Reason = reason, Timestamp = now,
            }, cancellationToken);
        }
        // It may have ended just before (a result written first): the ledger keeps the first terminal status.
        var stored = await queries.FindAsync(taskId, cancellationToken);
        var ended = stored?.Status ?? nameof(TaskStatus.Cancelled);
        if (ended != nameof(TaskStatus.Cancelled))
            return new Outcome(ended, false, task.AgentId, stored?.Reason);
        await bus.Publish(new TaskCancelled { TaskId = taskId, AgentId = held?.AgentId, Attempt = attempt, Reason = reason, Timestamp = now },
            cancellationToken);
        LogCancelled(taskId, task.Status, held?.AgentId ?? "-", reason);
        return new Outcome(nameof(TaskStatus.Cancelled), true, held?.AgentId, stored?.Reason ?? $"cancelled: {reason}");
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} cancelled while {Status} (agent {AgentId}): {Reason}")]
    partial void LogCancelled(string taskId, string status, string agentId, string reason);
}
