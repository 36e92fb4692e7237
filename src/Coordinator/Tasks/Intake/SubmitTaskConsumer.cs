using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Intake;

/// <summary>Intake from <c>coordinator.tasks</c>: MassTransit envelopes and plain JSON alike.</summary>
public sealed class SubmitTaskConsumer(TaskIntake intake) : IConsumer<SubmitTask>
{
    /// <summary>Set by a standby coordinator on a submission it took over HTTP with the client's own task id: look the id up.</summary>
    public const string ClientChosenIdHeader = "Coordinator-Client-Chosen-Id";

    public Task Consume(ConsumeContext<SubmitTask> context)
    {
        var taskId = string.IsNullOrWhiteSpace(context.Message.TaskId)
            ? context.MessageId?.ToString() ?? TaskIntake.NewTaskId()
            : context.Message.TaskId!;
        // A redelivery may follow a submission that was taken before the coordinator or the broker went down.
        // So may a client's own id that came through a standby (the client may be retrying it).
        var mayBeKnown = context.ReceiveContext.Redelivered || context.Headers.Get<bool>(ClientChosenIdHeader) == true;
        return intake.SubmitAsync(context.Message, taskId, mayBeKnown, context, context, context.CancellationToken);
    }
}
