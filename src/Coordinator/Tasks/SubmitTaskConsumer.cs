using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks;

/// <summary>Intake from <c>coordinator.tasks</c>: MassTransit envelopes and plain JSON alike.</summary>
public sealed class SubmitTaskConsumer(TaskIntake intake) : IConsumer<SubmitTask>
{
    public Task Consume(ConsumeContext<SubmitTask> context)
    {
        var clientId = !string.IsNullOrWhiteSpace(context.Message.TaskId);
        var taskId = clientId ? context.Message.TaskId! : context.MessageId?.ToString() ?? TaskIntake.NewTaskId();
        return intake.SubmitAsync(context.Message, taskId, clientId || context.ReceiveContext.Redelivered, context, context,
            context.CancellationToken);
    }
}
