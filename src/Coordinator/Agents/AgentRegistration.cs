using Coordinator.Agents.Identity;
using Coordinator.Contracts;
using Coordinator.Hosting;
using Coordinator.Persistence;
using Coordinator.Ownership;
using MassTransit;

namespace Coordinator.Agents;

public static class AgentRegistration
{
    /// <summary>The agent saga (persisted through EF Core), its activities, the registry and the coordinator service.</summary>
    public static IBusRegistrationConfigurator AddAgentLifecycle(this IBusRegistrationConfigurator x)
    {
        x.AddSagaStateMachine<AgentStateMachine, AgentState, AgentStateDefinition>().EntityFrameworkRepository().ExcludeFromConfigureEndpoints();
        x.AddRequestClient<RegisterAgent>(new Uri($"exchange:{EntityNames.AgentControl}"), RequestTimeout.After(s: 10));
        x.AddConsumer<AgentStateChangedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<HeartbeatConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<ControlQueueHeartbeatConsumer, ControlQueueHeartbeatConsumerDefinition>().ExcludeFromConfigureEndpoints();
        return x;
    }

    /// <summary>
    /// Largest number of heartbeats <c>coordinator.heartbeats</c> holds: beyond it the oldest are dropped (a newer one from
    /// the same agent says more). A thousand agents at 1 Hz fill it in 100 s of a coordinator that is away.
    /// </summary>
    public const int HeartbeatQueueLimit = 100_000;

    /// <summary>
    /// <c>coordinator.heartbeats</c>: heartbeats apart from the agents' commands, so a registration never waits behind them.
    /// Bounded (the oldest dropped first); taken many at a time, each in memory. A heartbeat that cannot be processed is
    /// logged and dropped, never parked: the next one says more.
    /// </summary>
    static void ConfigureHeartbeatsEndpoint(IBusRegistrationContext context, IReceiveEndpointConfigurator e)
    {
        e.Rabbit(r =>
        {
            r.ConfigureConsumeTopology = false; // agents send to this endpoint's own exchange
            r.SetQueueArgument("x-max-length", HeartbeatQueueLimit);
            r.SetQueueArgument("x-overflow", "drop-head");
            r.PrefetchCount = 512;
        });
        e.ConcurrentMessageLimit = 64;
        e.DiscardSkippedMessages();
        e.DiscardFaultedMessages();
        e.UseAgentIdentity(context);
        e.ConfigureConsumer<HeartbeatConsumer>(context);
    }

    /// <summary>
    /// The agents' queues, consumed by the owner only: <c>coordinator.agents</c> (the saga, and heartbeats of agents that
    /// still send them there; its definitions say how) and <c>coordinator.heartbeats</c>.
    /// </summary>
    public static IServiceCollection AddAgentEndpoints(this IServiceCollection services)
    {
        services.AddOwnerEndpoint(EntityNames.AgentControl, (context, e) =>
        {
            e.ConcurrentMessageLimit = new AgentStateDefinition().ConcurrentMessageLimit;
            e.UseAgentIdentity(context);
            e.ConfigureSaga<AgentState>(context);
            e.ConfigureConsumer<ControlQueueHeartbeatConsumer>(context);
        });
        services.AddOwnerEndpoint(EntityNames.Heartbeats, ConfigureHeartbeatsEndpoint);
        return services;
    }

    /// <summary>What heartbeats said, written to the saga store in batches (needs the store).</summary>
    public static IServiceCollection AddAgentLivenessWriter(this IServiceCollection services)
    {
        services.AddSingleton<LivenessWriter>();
        return services.AddHostedService(sp => sp.GetRequiredService<LivenessWriter>());
    }

    public static IServiceCollection AddAgentServices(this IServiceCollection services)
    {
        services.AddSingleton<RegistrationRules>();
        services.AddValidatedOptions<Identity.AgentIdentityOptions>(Identity.AgentIdentityOptions.Section);
        services.AddSingleton<Identity.AgentIdentityCheck>();
        services.AddSingleton<Identity.AgentIdentityRefusals>();
        services.AddSingleton<Identity.AgentCredentials>();
        services.AddSingleton<Identity.AgentEnrollment>();
        services.AddScoped<AcceptRegistrationActivity>();
        services.AddScoped<RejectRegistrationActivity>();
        services.AddSingleton<HeartbeatBook>();
        services.AddSingleton<HeartbeatIntake>();
        services.AddSingleton<HeartbeatRefusals>();
        services.AddSingleton<AgentRegistry>();
        services.AddSingleton<AgentRegistryLoader>();
        services.AddScoped<IAgentCoordinator, AgentCoordinator>();
        return services;
    }
}
