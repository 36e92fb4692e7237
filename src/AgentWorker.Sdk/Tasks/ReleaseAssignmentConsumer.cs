using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>The coordinator asks for a waiting assignment back (this agent fell behind): given back if it has not started, and the answer published.</summary>
internal sealed partial class ReleaseAssignmentConsumer(HeldAssignments assignments, Lifecycle.AgentInstance agent, TimeProvider time,
    ILogger<ReleaseAssignmentConsumer> logger) : IConsumer<ReleaseAssignment>
{
    public async Task Consume(ConsumeContext<ReleaseAssignment> context)
    {
        var request = context.Message;
        if (request.AgentId != agent.AgentId)
            return;
        var (released, reason) = assignments.Release(request.TaskId, request.Attempt);
        LogReleased(request.TaskId, request.Attempt, released, reason, request.Reason);
        await context.Publish(new AssignmentReleased
        {
            TaskId = request.TaskId,
            AgentId = agent.AgentId,
            Attempt = request.Attempt,
            Released = released,
            Reason = reason,
            Timestamp = time.GetUtcNow(),
        }, context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "Task {TaskId} attempt {Attempt}: asked back by the coordinator ({Why}); released: {Released} ({Reason})")]
    partial void LogReleased(string taskId, int attempt, bool released, string reason, string why);
}
