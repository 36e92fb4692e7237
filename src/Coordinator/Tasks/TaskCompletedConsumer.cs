using Coordinator.Contracts;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks;

public sealed partial class TaskCompletedConsumer(TaskPlacement placement, TaskLedger ledger, ILogger<TaskCompletedConsumer> logger)
    : IConsumer<TaskCompleted>
{
    public Task Consume(ConsumeContext<TaskCompleted> context)
    {
        var completed = context.Message;
        if (placement.Finish(completed.TaskId, completed.Attempt, completed.AgentId, succeeded: true, completed.DurationMs) is null)
        {
            LogStale(completed.TaskId, completed.Attempt, completed.AgentId);
            return Task.CompletedTask;
        }
        var at = completed.Timestamp.ToUniversalTime();
        ledger.Record(new TaskUpdate(completed.TaskId, TaskStatus.Completed, completed.Attempt, at, r =>
        {
            r.AgentId = completed.AgentId;
            r.StartedAt ??= at - TimeSpan.FromMilliseconds(completed.DurationMs); // its TaskStarted may be processed later
            r.FinishedAt = at;
            r.Result = completed.Result?.GetRawText();
            r.Error = null;
        }));
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Stale result for task {TaskId} attempt {Attempt} from agent {AgentId}: not the current attempt on that agent, ignored")]
    partial void LogStale(string taskId, int attempt, string agentId);
}
