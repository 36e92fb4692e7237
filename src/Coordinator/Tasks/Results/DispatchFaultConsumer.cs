using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Results;

/// <summary>The dispatcher could not process an attempt: it is dead-lettered with the reason.</summary>
public sealed class DispatchFaultConsumer(TaskFaults faults) : IConsumer<Fault<DispatchTask>>
{
    public Task Consume(ConsumeContext<Fault<DispatchTask>> context) =>
        faults.DispatchFailedAsync(context.Message.Message, TaskFaults.Describe(context.Message), context, context.CancellationToken);
}
