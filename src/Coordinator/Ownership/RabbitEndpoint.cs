using MassTransit;

namespace Coordinator.Ownership;

/// <summary>RabbitMQ's own settings of an endpoint connected through the transport-neutral connector (prefetch, queue arguments).</summary>
public static class RabbitEndpoint
{
    public static IReceiveEndpointConfigurator Rabbit(this IReceiveEndpointConfigurator endpoint, Action<IRabbitMqReceiveEndpointConfigurator> configure)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            configure(rabbit);
        return endpoint;
    }
}
