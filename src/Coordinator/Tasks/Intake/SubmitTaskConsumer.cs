using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Intake;

/// <summary>Intake from <c>coordinator.tasks</c>: MassTransit envelopes and plain JSON alike.</summary>
public sealed class SubmitTaskConsumer(TaskIntake intake) : IConsumer<SubmitTask>
{
    public Task Consume(ConsumeContext<SubmitTask> context)
    {
        var taskId = string.IsNullOrWhiteSpace(context.Message.TaskId)
            ? context.MessageId?.ToString() ?? TaskIntake.NewTaskId()
            : context.Message.TaskId!;
        // A redelivery may follow a submission that was taken before the coordinator or the broker went down.
        return intake.SubmitAsync(context.Message, taskId, context.ReceiveContext.Redelivered, context, context, context.CancellationToken);
    }
}
