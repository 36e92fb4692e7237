using Coordinator.Hosting;
using MassTransit;
using Quartz;

namespace Coordinator.Health;

public static class HealthRegistration
{
    public const string ReadyTag = "ready";

    /// <summary>The heartbeat sweep on Quartz, and the readiness checks (database; the bus adds its own).</summary>
    public static IServiceCollection AddAgentHealthMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DetectionOptions>(DetectionOptions.Section);
        services.AddSingleton<HeartbeatSweeper>();
        services.AddSingleton<PerformanceBaselines>();
        services.AddSingleton<AssignmentWatchdog>();
        services.AddSingleton<AgentRecovery>();
        services.AddSingleton<AgentRetention>();
        services.AddSingleton<RecoveryMetrics>();
        var interval = configuration.GetSection(CoordinatorOptions.Section).GetValue<TimeSpan?>(nameof(CoordinatorOptions.HealthSweepInterval))
                       ?? new CoordinatorOptions().HealthSweepInterval;
        var retention = configuration.GetSection(CoordinatorOptions.Section).GetValue<TimeSpan?>(nameof(CoordinatorOptions.AgentRetention))
                        ?? new CoordinatorOptions().AgentRetention;
        // Once a minute, or twice per retention when that is shorter.
        var pruneEvery = TimeSpan.FromTicks(Math.Clamp(retention.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
        services.AddQuartz(q =>
        {
            q.AddJob<HeartbeatSweepJob>(j => j.WithIdentity(HeartbeatSweepJob.Key));
            q.AddTrigger(t => t.ForJob(HeartbeatSweepJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
            q.AddJob<AgentRetentionJob>(j => j.WithIdentity(AgentRetentionJob.Key));
            q.AddTrigger(t => t.ForJob(AgentRetentionJob.Key)
                .StartAt(DateTimeOffset.UtcNow + pruneEvery)
                .WithSimpleSchedule(s => s.WithInterval(pruneEvery).RepeatForever()));
        });
        services.AddQuartzHostedService(q => q.WaitForJobsToComplete = true);

        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);
        return services;
    }

    public static IBusRegistrationConfigurator AddAgentRecovery(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<Agents.AgentStateChangedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<AgentFailedConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<AgentUnregisteredConsumer>().ExcludeFromConfigureEndpoints();
        x.AddConsumer<FalseAlarmConsumer>().ExcludeFromConfigureEndpoints();
        return x;
    }

    /// <summary>
    /// <c>coordinator.fleet</c>, bound to <c>coordinator.agent-events</c>: state changes refresh the
    /// placement view at once; AgentFailed and AgentUnregistered move the agent's work. The other
    /// lifecycle events are discarded, not parked.
    /// </summary>
    public static void ConfigureFleetEndpoint(this IRabbitMqBusFactoryConfigurator cfg, IBusRegistrationContext context) =>
        cfg.ReceiveEndpoint("coordinator.fleet", e =>
        {
            e.DiscardSkippedMessages();
            // A recovery interrupted by the broker or its API is retried; moved tasks not yet sent are kept for it.
            e.UseMessageRetry(r => r.Intervals(200, 500, 1000, 2000, 5000, 10000));
            e.ConfigureConsumer<Agents.AgentStateChangedConsumer>(context);
            e.ConfigureConsumer<AgentFailedConsumer>(context);
            e.ConfigureConsumer<AgentUnregisteredConsumer>(context);
            e.ConfigureConsumer<FalseAlarmConsumer>(context);
        });
}
