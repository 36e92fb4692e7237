using Coordinator.Contracts;
using Coordinator.Persistence;
using MassTransit;

namespace Coordinator.Agents;

public static class AgentRegistration
{
    /// <summary>The agent saga (persisted through EF Core), its activities, the registry and the coordinator service.</summary>
    public static IBusRegistrationConfigurator AddAgentLifecycle(this IBusRegistrationConfigurator x)
    {
        x.AddSagaStateMachine<AgentStateMachine, AgentState, AgentStateDefinition>().EntityFrameworkRepository();
        x.AddRequestClient<RegisterAgent>(new Uri($"exchange:{EntityNames.AgentControl}"), RequestTimeout.After(s: 10));
        x.AddConsumer<AgentStateChangedConsumer>().ExcludeFromConfigureEndpoints();
        return x;
    }

    public static IServiceCollection AddAgentServices(this IServiceCollection services)
    {
        services.AddSingleton<RegistrationRules>();
        services.AddScoped<AcceptRegistrationActivity>();
        services.AddScoped<RejectRegistrationActivity>();
        services.AddScoped<RejectHeartbeatActivity>();
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<AgentRegistryLoader>();
        services.AddScoped<IAgentCoordinator, AgentCoordinator>();
        return services;
    }
}
