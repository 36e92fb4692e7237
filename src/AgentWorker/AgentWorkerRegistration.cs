using AgentWorker.Lifecycle;
using Coordinator.Hosting;
using MassTransit;

namespace AgentWorker;

public static class AgentWorkerRegistration
{
    /// <summary>Short command-line switches for the keys operators set most.</summary>
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

    public static IServiceCollection AddAgentWorker(this IServiceCollection services)
    {
        services.AddValidatedOptions<AgentOptions>(AgentOptions.Section);
        services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AgentInstance>();
        services.AddSingleton<WorkDirectory>();
        services.AddSingleton<ProcessUsageSampler>();
        services.AddSingleton<TaskActivity>();

        services.AddMassTransit(x =>
        {
            x.UsingRabbitMq((context, cfg) =>
            {
                var agent = context.GetRequiredService<AgentInstance>();
                cfg.UseCoordinatorBroker(context.GetRequiredService<RabbitMqOptions>(), $"agent-{agent.AgentId}");
                cfg.ConfigureEndpoints(context);
            });
        });

        // After the bus, so it stops before the bus does: drain and unregister still have a connection.
        services.AddSingleton<AgentLifecycleService>();
        services.AddHostedService(sp => sp.GetRequiredService<AgentLifecycleService>());
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        return services;
    }
}
