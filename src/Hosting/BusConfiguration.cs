using MassTransit;

namespace Coordinator.Hosting;

public static class BusConfiguration
{
    /// <summary>Connects to the broker and applies the project's entity names; shared by every host.</summary>
    public static void UseCoordinatorBroker(this IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions options, string connectionName)
    {
        cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, connectionName, h =>
        {
            h.Username(options.Username);
            h.Password(options.Password);
            h.Heartbeat(TimeSpan.FromSeconds(10));
            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
        });
        cfg.MessageTopology.SetEntityNameFormatter(new ContractEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter));
        cfg.PrefetchCount = options.PrefetchCount;
    }
}
