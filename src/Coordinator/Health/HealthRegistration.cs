using Coordinator.Hosting;
using Coordinator.Ownership;
using Coordinator.Tasks.Recovery;
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
        services.AddSingleton<HeartbeatBacklog>();
        services.AddSingleton<HealthFigures>();
        services.AddSingleton<PerformanceBaselines>();
        services.AddSingleton<AgentRetention>();
        services.AddOwnerActivation<FreshHeartbeatWindow>();
        services.AddOwnerActivation<HeartbeatWindowOnceConsuming>();
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

    /// <summary>Health's consumers of the fleet's events (on <c>coordinator.fleet</c>): false alarms counted.</summary>
    public static IBusRegistrationConfigurator AddHealthConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<FalseAlarmConsumer>().ExcludeFromConfigureEndpoints();
        return x;
    }
}
