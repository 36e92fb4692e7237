using AgentWorker.Lifecycle;
using Coordinator.Contracts;
using MassTransit;

namespace AgentWorker.Tasks;

/// <summary>Runs one assignment from <c>agent-{id}</c>, until its deadline (the task's, or the coordinator's task timeout).</summary>
public sealed partial class AssignTaskConsumer(TaskRunner runner, AgentInstance agent, ILogger<AssignTaskConsumer> logger) : IConsumer<AssignTask>
{
    public Task Consume(ConsumeContext<AssignTask> context)
    {
        var task = context.Message;
        if (task.AgentId != agent.AgentId)
        {
            LogMisrouted(task.TaskId, task.AgentId);
            return Task.CompletedTask;
        }
        return runner.RunAsync(new TaskRun(task.TaskId, task.TaskType, task.Attempt, task.Payload, task.Deadline), context, context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} was addressed to agent {AgentId}, not this one: ignored")]
    partial void LogMisrouted(string taskId, string agentId);
}
