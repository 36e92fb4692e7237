using Coordinator.Contracts;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The priority queue <c>coordinator.dispatch</c> (x-max-priority 10). Its prefetch bounds how many
/// tasks the dispatcher holds while waiting; everything else waits, in priority order, in the queue.
/// </summary>
public sealed class DispatchTaskConsumerDefinition : ConsumerDefinition<DispatchTaskConsumer>
{
    readonly int _concurrency;

    public DispatchTaskConsumerDefinition(CoordinatorOptions options)
    {
        EndpointName = EntityNames.DispatchQueue;
        _concurrency = options.DispatchConcurrency;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DispatchTaskConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.SetQueueArgument("x-max-priority", 10);
            rabbit.PrefetchCount = _concurrency;
            // Tasks arrive on the endpoint's own exchange from intake and retries; no type bindings.
            rabbit.ConfigureConsumeTopology = false;
        }
    }
}
