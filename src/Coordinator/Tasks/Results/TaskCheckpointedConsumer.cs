using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>An attempt's checkpoint, stored with the task if it is the current attempt's newest (<see cref="TaskCheckpoints"/>).</summary>
public sealed class TaskCheckpointedConsumer(TaskCheckpoints checkpoints) : IConsumer<TaskCheckpointed>
{
    public Task Consume(ConsumeContext<TaskCheckpointed> context)
    {
        var saved = context.Message;
        return checkpoints.StoreAsync(saved.TaskId, saved.Attempt, saved.AgentId, saved.Sequence, saved.Checkpoint, saved.Timestamp,
            context.CancellationToken);
    }
}
