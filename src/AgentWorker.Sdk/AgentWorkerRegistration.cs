using Coordinator.AgentWorker.Sdk.Baseline;
using Coordinator.AgentWorker.Sdk.Lifecycle;
using Coordinator.AgentWorker.Sdk.Tasks;
using Coordinator.Contracts;
using Coordinator.Hosting;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>Makes a host an agent: <see cref="AddAgentWorker"/>, then handlers with <see cref="TaskHandlerRegistration.AddTaskHandler{THandler}"/>.</summary>
public static class AgentWorkerRegistration
{
    /// <summary>
    /// Short command-line switches for the keys operators set most (<c>--agent-id</c>, <c>--capabilities</c>, <c>--cpu</c>,
    /// <c>--memory</c>, <c>--disk</c>, <c>--concurrency</c>, <c>--heartbeat</c>, <c>--type</c>): pass to
    /// <c>AddCommandLine(args, SwitchMappings)</c>. <see cref="AgentHost.RunAsync"/> does.
    /// </summary>
    public static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--agent-id"] = "Agent:AgentId",
        ["--capabilities"] = "Agent:Capabilities",
        ["--cpu"] = "Agent:CpuCores",
        ["--memory"] = "Agent:MemoryMb",
        ["--disk"] = "Agent:DiskMb",
        ["--concurrency"] = "Agent:MaxConcurrentTasks",
        ["--heartbeat"] = "Agent:HeartbeatInterval",
        ["--type"] = "Agent:AgentType",
    };

    /// <summary>Prefetch beyond the assignments the coordinator may send, for its control messages.</summary>
    const int ControlHeadroom = 8;

    /// <summary>
    /// The agent runtime: options (sections <c>Agent</c> and <c>RabbitMq</c>, validated on start), the bus with the agent's own
    /// queue <c>agent-{AgentId}</c>, registration and heartbeats, the workers that run held assignments through the registered
    /// handlers, and a graceful stop that drains (up to <c>Agent:DrainTimeout</c>) then unregisters. Once per host; a second
    /// call does nothing. Register handlers with <see cref="TaskHandlerRegistration.AddTaskHandler{THandler}"/>, before or after.
    /// </summary>
    /// <param name="services">The host's services.</param>
    public static IServiceCollection AddAgentWorker(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(TaskHandlers)))
            return services;
        services.AddValidatedOptions<AgentOptions>(AgentOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AgentOptions>, AgentCapabilitiesValidator>();
        services.AddSingleton<TaskHandlers>();
        services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        // With a bootstrap token, the broker user is the agent's own, from the coordinator, before anything connects.
        services.AddOptions<RabbitMqOptions>().PostConfigure<Microsoft.Extensions.Options.IOptions<AgentOptions>>(
            (broker, agent) => BrokerEnrollment.Apply(agent.Value, broker));
        services.TryAddSingleton(TimeProvider.System); // a host's own clock, if it registered one first
        services.AddSingleton<AgentInstance>();
        services.AddSingleton<WorkDirectory>();
        services.AddSingleton<ProcessUsageSampler>();
        services.AddSingleton<TaskActivity>();
        services.AddSingleton<TaskRunner>();
        services.AddSingleton<HeldAssignments>();
        services.AddSingleton<ReportedOutcomes>();
        services.AddSingleton<OwnerEpoch>();

        // Before the bus, so it stops after it: a graceful stop has waited for the held work by then.
        services.AddSingleton<TaskWorkers>();
        services.AddHostedService(sp => sp.GetRequiredService<TaskWorkers>());

        services.AddMassTransit(x =>
        {
            x.AddConsumer<AssignTaskConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<HeartbeatRejectedConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<DrainRequestedConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<ReleaseAssignmentConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<CancelTaskConsumer>().ExcludeFromConfigureEndpoints();
            x.AddConsumer<BaselineTaskConsumer>().ExcludeFromConfigureEndpoints();
            x.UsingRabbitMq((context, cfg) =>
            {
                var agent = context.GetRequiredService<AgentInstance>();
                var options = context.GetRequiredService<AgentOptions>();
                var broker = context.GetRequiredService<RabbitMqOptions>();
                cfg.UseCoordinatorBroker(broker, EntityNames.AgentQueue(agent.AgentId));
                // Answers to its requests come to a queue named after it, which its own broker user may read (and no other).
                cfg.OverrideDefaultBusEndpointQueueName(EntityNames.AgentResponses(agent.AgentId));
                if (!string.IsNullOrWhiteSpace(options.BaselineQueue))
                {
                    // Benchmark baseline: one queue shared by every worker, bound to coordinator.tasks; same limits.
                    cfg.ReceiveEndpoint(options.BaselineQueue, e =>
                    {
                        e.PrefetchCount = options.MaxConcurrentTasks + options.QueueBuffer;
                        e.ConcurrentMessageLimit = options.MaxConcurrentTasks;
                        e.ConfigureConsumer<BaselineTaskConsumer>(context);
                    });
                    return;
                }
                // The agent's own queue. Assignments are held (and acknowledged) on arrival and run by the workers, so every
                // consume is brief: a release, a drain or an eviction notice is read at once, whatever is running.
                cfg.ReceiveEndpoint(EntityNames.AgentQueue(agent.AgentId), e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.UseConfiguredQueueType(broker);
                    e.PrefetchCount = options.MaxConcurrentTasks + options.QueueBuffer + ControlHeadroom;
                    e.ConfigureConsumer<AssignTaskConsumer>(context);
                    e.ConfigureConsumer<ReleaseAssignmentConsumer>(context);
                    e.ConfigureConsumer<CancelTaskConsumer>(context);
                    e.ConfigureConsumer<HeartbeatRejectedConsumer>(context);
                    e.ConfigureConsumer<DrainRequestedConsumer>(context);
                });
            });
        });

        // After the bus, so it stops before the bus does: drain and unregister still have a connection.
        // Baseline mode (benchmark only) runs without the coordinator: no registration, no heartbeats.
        services.AddSingleton<AgentLifecycleService>();
        services.AddSingleton<IHostedService>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<AgentOptions>().BaselineQueue)
            ? sp.GetRequiredService<AgentLifecycleService>()
            : ActivatorUtilities.CreateInstance<BaselineModeService>(sp));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        return services;
    }
}
