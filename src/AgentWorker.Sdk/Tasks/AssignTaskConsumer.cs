using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>
/// Takes an assignment from <c>agent-{id}</c> into the agent's <see cref="HeldAssignments"/> and acknowledges it at once:
/// it waits and runs there, owned by the coordinator's in-flight record, never by an open delivery.
/// </summary>
internal sealed partial class AssignTaskConsumer(HeldAssignments assignments, OwnerEpoch owners, ReportedOutcomes outcomes,
    Lifecycle.AgentInstance agent, ILogger<AssignTaskConsumer> logger)
    : IConsumer<AssignTask>
{
    public async Task Consume(ConsumeContext<AssignTask> context)
    {
        var task = context.Message;
        if (task.AgentId != agent.AgentId)
            LogMisrouted(task.TaskId, task.AgentId);
        else if (!owners.Admit(task.OwnerEpoch, out var latest))
            LogStaleOwner(task.TaskId, task.Attempt, task.OwnerEpoch, latest);
        else if (assignments.Accept(task))
            return;
        else if (outcomes.Find(task.TaskId, task.Attempt) is { } outcome)
        {
            // Already run here: not run again, but its outcome is reported again, for a coordinator that may not have it.
            await context.Publish(outcome, outcome.GetType(), context.CancellationToken);
            LogReportedAgain(task.TaskId, task.Attempt, outcome.GetType().Name);
        }
        else
            LogDuplicate(task.TaskId, task.Attempt);
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} arrived again after it ran here: not run again, its {Outcome} reported again")]
    partial void LogReportedAgain(string taskId, int attempt, string outcome);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} was addressed to agent {AgentId}, not this one: ignored")]
    partial void LogMisrouted(string taskId, string agentId);

    [LoggerMessage(LogLevel.Warning, "Task {TaskId} attempt {Attempt} refused: sent by a coordinator of epoch {Epoch}, which no longer owns the task path (epoch {Latest} does)")]
    partial void LogStaleOwner(string taskId, int attempt, long epoch, long latest);

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt} arrived again (or an older attempt did): held once")]
    partial void LogDuplicate(string taskId, int attempt);
}
