using Coordinator.Contracts;
using Coordinator.Tasks.Intake;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>Intake could not process a submission: the task is recorded Rejected with the reason.</summary>
public sealed class SubmissionFaultConsumer(TaskFaults faults) : IConsumer<Fault<SubmitTask>>
{
    public Task Consume(ConsumeContext<Fault<SubmitTask>> context)
    {
        var fault = context.Message;
        var taskId = string.IsNullOrWhiteSpace(fault.Message.TaskId)
            ? fault.FaultedMessageId?.ToString() ?? TaskIntake.NewTaskId()
            : fault.Message.TaskId!;
        return faults.SubmissionFailedAsync(fault.Message, taskId, TaskFaults.Describe(fault), context, context.CancellationToken);
    }
}
