using Coordinator.Agents;
using Coordinator.Api;
using Coordinator.Health;
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
        services.AddAgentServices();
        services.AddTaskDistribution();
        services.AddAgentHealthMonitoring(configuration);
        services.AddCoordinatorApi();
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
            x.AddAgentRecovery();
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.UseCoordinatorBroker(context.GetRequiredService<RabbitMqOptions>(), "coordinator");
                cfg.ConfigureTaskResultsEndpoint(context);
                cfg.ConfigureTaskFaultsEndpoint(context);
                cfg.ConfigureFleetEndpoint(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }
}
