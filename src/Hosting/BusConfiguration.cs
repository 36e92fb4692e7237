using MassTransit;

namespace Coordinator.Hosting;

public static class BusConfiguration
{
    /// <summary>
    /// Connects to the broker (the first of a cluster's nodes that answers, and another when that one is lost) and applies the
    /// project's entity names; shared by every host.
    /// </summary>
    public static void UseCoordinatorBroker(this IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions options, string connectionName)
    {
        var first = options.Cluster[0];
        cfg.Host(first.Host, (ushort)first.Port, options.VirtualHost, connectionName, h =>
        {
            h.Username(options.Username);
            h.Password(options.Password);
            h.Heartbeat(TimeSpan.FromSeconds(10));
            h.RequestedConnectionTimeout(TimeSpan.FromSeconds(5));
            if (options.UseTls)
                h.UseSsl(ssl =>
                {
                    ssl.Protocol = BrokerTls.Protocols;
                    ssl.ServerName = options.TlsServerName ?? first.Host;
                    if (BrokerTls.Validation(options) is { } validation)
                        ssl.CertificateValidationCallback = validation;
                });
            if (options.Nodes.Count > 1)
                h.UseCluster(c =>
                {
                    foreach (var node in options.Nodes)
                        c.Node(node.ToString());
                });
        });
        cfg.MessageTopology.SetEntityNameFormatter(new ContractEntityNameFormatter(cfg.MessageTopology.EntityNameFormatter));
        cfg.PrefetchCount = options.PrefetchCount;
        // Every message says which broker user sent it (AMQP user_id). RabbitMQ refuses a user_id that is not the connection's
        // own user, so the coordinator can trust it: an agent's messages must come from that agent's user.
        var userId = options.Username;
        cfg.ConfigureSend(send => send.UseExecute(context => StampUser(context, userId)));
        cfg.ConfigurePublish(publish => publish.UseExecute(context => StampUser(context, userId)));
    }

    static void StampUser(SendContext context, string userId)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.BasicProperties.UserId = userId;
    }

    /// <summary>A queue this process consumes, declared as the configuration says: a quorum queue (replicated) or a classic one.</summary>
    public static void UseConfiguredQueueType(this IReceiveEndpointConfigurator endpoint, RabbitMqOptions options)
    {
        if (options.Quorum && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.SetQuorumQueue();
    }
}
