using Coordinator.Contracts;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>
/// Keeps the current attempt's latest progress in the ledger (batched: progress is for watching, not for recovery). A report
/// from an attempt that is not current is stale and dropped; a percent outside 0-100, or a message longer than the ledger
/// keeps (<see cref="TaskRecordMap.MaxProgressMessage"/> characters, what the SDK allows), is refused with a warning and
/// counted (the progress shown stays the last one accepted).
/// </summary>
public sealed partial class TaskProgressConsumer(TaskPlacement placement, TaskLedger ledger, TaskReportRefusals refusals, ILogger<TaskProgressConsumer> logger)
    : IConsumer<TaskProgress>
{
    public Task Consume(ConsumeContext<TaskProgress> context)
    {
        var progress = context.Message;
        if (!double.IsFinite(progress.Percent) || progress.Percent is < 0 or > 100)
        {
            LogInvalid(progress.TaskId, progress.Attempt, progress.AgentId, progress.Percent);
            refusals.Refused("progress", "invalid_percent");
            return Task.CompletedTask;
        }
        if (progress.Message is { Length: > TaskRecordMap.MaxProgressMessage } message)
        {
            LogOversized(progress.TaskId, progress.Attempt, progress.AgentId, message.Length, TaskRecordMap.MaxProgressMessage);
            refusals.Refused("progress", "oversized");
            return Task.CompletedTask;
        }
        if (!placement.IsCurrent(progress.TaskId, progress.Attempt, progress.AgentId))
        {
            LogStale(progress.TaskId, progress.Attempt, progress.AgentId);
            return Task.CompletedTask;
        }
        var at = progress.Timestamp.ToUniversalTime();
        // Progress means the handler runs, whether or not its TaskStarted has come yet.
        placement.MarkStarted(progress.TaskId, progress.Attempt, progress.AgentId, at);
        ledger.Record(new TaskUpdate(progress.TaskId, TaskStatus.Running, progress.Attempt, at, r =>
        {
            r.StartedAt ??= at;
            // Reports may be consumed out of order: the latest one said stays.
            if (r.ProgressAt is { } shown && shown > at)
                return;
            r.ProgressPercent = progress.Percent;
            r.ProgressMessage = progress.Message;
            r.ProgressAt = at;
        }));
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Debug, "Stale progress of task {TaskId} attempt {Attempt} from agent {AgentId} dropped: not the current attempt on that agent")]
    partial void LogStale(string taskId, int attempt, string agentId);

    [LoggerMessage(LogLevel.Warning, "Progress of task {TaskId} attempt {Attempt} from agent {AgentId} refused: percent {Percent} is not between 0 and 100")]
    partial void LogInvalid(string taskId, int attempt, string agentId, double percent);

    [LoggerMessage(LogLevel.Warning, "Progress of task {TaskId} attempt {Attempt} from agent {AgentId} refused: its message has {Length} characters, the limit is {Limit}; the progress shown stays the last one accepted")]
    partial void LogOversized(string taskId, int attempt, string agentId, int length, int limit);
}
