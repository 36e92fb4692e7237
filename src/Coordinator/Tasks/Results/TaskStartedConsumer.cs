using Coordinator.Contracts;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Tasks.Results;

public sealed partial class TaskStartedConsumer(TaskPlacement placement, TaskLedger ledger, ILogger<TaskStartedConsumer> logger)
    : IConsumer<TaskStarted>
{
    public Task Consume(ConsumeContext<TaskStarted> context)
    {
        var started = context.Message;
        if (!placement.IsCurrent(started.TaskId, started.Attempt, started.AgentId))
        {
            LogStale(started.TaskId, started.Attempt, started.AgentId);
            return Task.CompletedTask;
        }
        var at = started.Timestamp.ToUniversalTime();
        placement.MarkStarted(started.TaskId, started.Attempt, started.AgentId, at);
        ledger.Record(new TaskUpdate(started.TaskId, TaskStatus.Running, started.Attempt, at, r => r.StartedAt = at));
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Stale start of task {TaskId} attempt {Attempt} on agent {AgentId}: not the current attempt on that agent")]
    partial void LogStale(string taskId, int attempt, string agentId);
}
