using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>A completion or failure report could not be processed: the attempt is ended and the task recorded with the reason.</summary>
public sealed class ResultFaultConsumer(TaskFaults faults) : IConsumer<Fault<TaskCompleted>>, IConsumer<Fault<TaskFailed>>
{
    public Task Consume(ConsumeContext<Fault<TaskCompleted>> context)
    {
        var completed = context.Message.Message;
        return faults.ResultFailedAsync(completed.TaskId, completed.Attempt, completed.AgentId, completed, TaskFaults.Describe(context.Message),
            context, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<Fault<TaskFailed>> context)
    {
        var failed = context.Message.Message;
        return faults.ResultFailedAsync(failed.TaskId, failed.Attempt, failed.AgentId, null, TaskFaults.Describe(context.Message), context,
            context.CancellationToken);
    }
}
