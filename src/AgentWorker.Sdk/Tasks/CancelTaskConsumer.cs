using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// The coordinator cancelled a task assigned here: a held assignment never starts, a running one has its handler's token
/// cancelled. The coordinator has already ended the task; what this agent reports on the attempt afterwards is ignored.
/// </summary>
internal sealed partial class CancelTaskConsumer(HeldAssignments assignments, Lifecycle.AgentInstance agent, ILogger<CancelTaskConsumer> logger)
    : IConsumer<CancelTask>
{
    public Task Consume(ConsumeContext<CancelTask> context)
    {
        var request = context.Message;
        if (request.AgentId == agent.AgentId)
            LogCancelled(request.TaskId, request.Attempt, request.Reason, assignments.Cancel(request.TaskId, request.Attempt));
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} cancelled by the coordinator ({Reason}): {Outcome}")]
    partial void LogCancelled(string taskId, int attempt, string reason, string outcome);
}
