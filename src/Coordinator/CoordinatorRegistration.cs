using Coordinator.Agents;
using Coordinator.Alerts;
using Coordinator.Api;
using Coordinator.Health;
using Coordinator.Ownership;
using Coordinator.Hosting;
using Coordinator.Persistence;
using Coordinator.Provisioning;
using Coordinator.Resources;
using Coordinator.Scaling;
using Coordinator.Tasks;
using MassTransit;

namespace Coordinator;

public static class CoordinatorRegistration
{
    /// <summary>Everything the coordinator host runs; tests compose exactly this.</summary>
    public static IServiceCollection AddCoordinator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<CoordinatorOptions>(CoordinatorOptions.Section);
        services.AddValidatedOptions<ResourceLimitsOptions>(ResourceLimitsOptions.Section);
        services.AddSingleton(TimeProvider.System);

        // The database first: its migrator must run before the bus starts consuming.
        services.AddCoordinatorPersistence(configuration);
        // Before the bus, so it stops after it: the lease is let go only when nothing here consumes any more.
        services.AddTaskPathOwnership();
        services.AddAgentServices();
        services.AddAgentLivenessWriter();
        services.AddTaskDistribution();
        services.AddTaskJobs(configuration);
        services.AddAgentHealthMonitoring(configuration);
        services.AddCoordinatorApi();
        services.AddAlerts();
        services.AddAgentProvisioning();
        services.AddScaling(configuration);
        services.AddCoordinatorMessaging();
        return services;
    }

    public static IServiceCollection AddCoordinatorMessaging(this IServiceCollection services)
    {
        services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        services.AddMassTransit(x =>
        {
            x.AddAgentLifecycle();
            x.AddTaskConsumers();
            x.AddHealthConsumers();
            x.AddProvisioningConsumers();
            x.AddConsumer<ForwardApiWriteConsumer>().ExcludeFromConfigureEndpoints();
            x.UsingRabbitMq((context, cfg) =>
            {
                // No endpoint here: the task path's queues are the owner's, connected when it becomes the owner.
                // Named for this process, so a coordinator that takes the task path over can close a paused owner's connection.
                cfg.UseCoordinatorBroker(context.GetRequiredService<RabbitMqOptions>(),
                    Ownership.PreviousOwnerCutOff.ConnectionName(context.GetRequiredService<Ownership.TaskPathOwnership>().InstanceId));
            });
        });
        services.AddAgentEndpoints();
        services.AddTaskEndpoints();
        services.AddOwnerEndpoint("coordinator.fleet", ConfigureFleetEndpoint);
        services.AddOwnerEndpoint(Contracts.EntityNames.ApiWritesQueue, (context, e) => e.ConfigureConsumer<ForwardApiWriteConsumer>(context));
        return services;
    }

    /// <summary>
    /// <c>coordinator.fleet</c>, bound to <c>coordinator.agent-events</c>, where each capability reacts to the fleet's events:
    /// state changes reload that agent into the placement view at once (Agents); AgentFailed and AgentUnregistered move the agent's work
    /// (Tasks) and restart a supervised agent (Provisioning); a failed agent back as the same instance is a false alarm
    /// (Health). The other lifecycle events are discarded, not parked.
    /// </summary>
    static void ConfigureFleetEndpoint(IBusRegistrationContext context, IReceiveEndpointConfigurator e)
    {
        e.DiscardSkippedMessages();
        // A recovery interrupted by the broker or its API is retried; moved tasks not yet sent are kept for it.
        e.UseMessageRetry(r => r.Intervals(200, 500, 1000, 2000, 5000, 10000));
        e.ConfigureConsumer<AgentStateChangedConsumer>(context);
        e.ConfigureConsumer<Tasks.Recovery.AgentFailedConsumer>(context);
        e.ConfigureConsumer<Tasks.Recovery.AgentUnregisteredConsumer>(context);
        e.ConfigureConsumer<FalseAlarmConsumer>(context);
        e.ConfigureConsumer<SupervisedAgentFailedConsumer>(context);
    }
}
