using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Intake;

/// <summary>The intake queue <c>coordinator.intake</c>, bound to exchange <c>coordinator.tasks</c>; reads plain JSON too.</summary>
public sealed class SubmitTaskConsumerDefinition : ConsumerDefinition<SubmitTaskConsumer>
{
    public SubmitTaskConsumerDefinition()
    {
        EndpointName = EntityNames.IntakeQueue;
        // A submission mostly waits: for the broker's confirm of its assignment and for the ledger's next batch. The
        // limit bounds memory, not CPU; at 16 those waits queued submissions in front of the consumer (p99 assignment
        // 68 ms at 187 tasks/s, 5 ms at 128; docs/BENCHMARKS.md).
        ConcurrentMessageLimit = 128;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SubmitTaskConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // application/json (and messages with no content type) are read as the bare task.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
