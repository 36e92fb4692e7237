using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;

namespace Coordinator.Tasks.Dispatch;

/// <summary>
/// The priority queue <c>coordinator.dispatch</c> (x-max-priority 10). Its prefetch bounds how many
/// tasks the dispatcher holds while waiting; everything else waits, in priority order, in the queue. A quorum queue keeps
/// no priorities (RabbitMQ 3.10): there the backlog waits in arrival order, and priority orders only what the dispatcher holds.
/// </summary>
public sealed class DispatchTaskConsumerDefinition : ConsumerDefinition<DispatchTaskConsumer>
{
    readonly int _concurrency;
    readonly bool _quorum;

    public DispatchTaskConsumerDefinition(CoordinatorOptions options, RabbitMqOptions broker)
    {
        _quorum = broker.Quorum;
        EndpointName = EntityNames.DispatchQueue;
        _concurrency = options.DispatchConcurrency;
        ConcurrentMessageLimit = _concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DispatchTaskConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            if (!_quorum)
                rabbit.SetQueueArgument("x-max-priority", 10);
            rabbit.PrefetchCount = _concurrency;
            // Tasks arrive on the endpoint's own exchange from intake and retries; no type bindings.
            rabbit.ConfigureConsumeTopology = false;
        }
    }
}
