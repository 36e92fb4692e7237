using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Intake;

/// <summary>The intake queue <c>coordinator.intake</c>, bound to exchange <c>coordinator.tasks</c>; reads plain JSON too.</summary>
public sealed class SubmitTaskConsumerDefinition : ConsumerDefinition<SubmitTaskConsumer>
{
    public SubmitTaskConsumerDefinition()
    {
        EndpointName = EntityNames.IntakeQueue;
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SubmitTaskConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        // application/json (and messages with no content type) are read as the bare task.
        endpointConfigurator.UseRawJsonDeserializer(RawSerializerOptions.AnyMessageType, isDefault: true);
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
