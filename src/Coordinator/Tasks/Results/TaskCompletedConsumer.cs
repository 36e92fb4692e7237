using Coordinator.Contracts;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

public sealed partial class TaskCompletedConsumer(TaskPlacement placement, TaskLedger ledger,
    TaskDemand demand, ILogger<TaskCompletedConsumer> logger)
    : IConsumer<TaskCompleted>
{
    public async Task Consume(ConsumeContext<TaskCompleted> context)
    {
        var completed = context.Message;
        var durationMs = ReportedDuration.Milliseconds(completed.DurationMs);
        if (placement.Finish(completed.TaskId, completed.Attempt, completed.AgentId, succeeded: true, durationMs) is not { } finished)
        {
            LogStale(completed.TaskId, completed.Attempt, completed.AgentId);
            return;
        }
        demand.Completed(durationMs);
        var at = completed.Timestamp.ToUniversalTime();
        // Acknowledged only once written: a coordinator killed before the batch lands gets this result again.
        await ledger.RecordDurablyAsync(new TaskUpdate(completed.TaskId, TaskStatus.Completed, completed.Attempt, at, r =>
        {
            r.AgentId = completed.AgentId;
            r.StartedAt ??= completed.StartedAt?.ToUniversalTime() ?? at - ReportedDuration.Of(durationMs); // a short task sends no TaskStarted
            r.FinishedAt = at;
            r.Result = completed.Result?.GetRawText();
            r.Error = null;
        })).WaitAsync(context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Stale result for task {TaskId} attempt {Attempt} from agent {AgentId}: not the current attempt on that agent, ignored")]
    partial void LogStale(string taskId, int attempt, string agentId);
}
