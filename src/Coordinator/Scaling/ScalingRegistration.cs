using Coordinator.Agents;
using Coordinator.Hosting;
using Quartz;

namespace Coordinator.Scaling;

public static class ScalingRegistration
{
    /// <summary>The ScalingManager, its Quartz check, the drain of agents it stops, and its profiles as agents that could be started.</summary>
    public static IServiceCollection AddScaling(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ScalingOptions>(ScalingOptions.Section);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ScalingOptions>, ScalingLimitsValidator>();
        services.AddSingleton<IAgentOffers, ProfileOffers>();
        services.AddSingleton<AgentDrainer>();
        services.AddSingleton<ScalingManager>();
        services.AddSingleton<LoadRebalancer>();
        services.AddSingleton<ScaledFleetService>();
        services.AddHostedService(sp => sp.GetRequiredService<ScaledFleetService>());
        services.AddSingleton<Ownership.IOwnerActivation>(sp => sp.GetRequiredService<ScaledFleetService>());

        // Rebalancing helps any fleet, scaled or not.
        var section = configuration.GetSection(ScalingOptions.Section);
        var rebalanceEvery = section.GetValue<TimeSpan?>(nameof(ScalingOptions.LoadBalanceInterval)) ?? new ScalingOptions().LoadBalanceInterval;
        services.AddQuartz(q =>
        {
            q.AddJob<LoadRebalanceJob>(j => j.WithIdentity(LoadRebalanceJob.Key));
            q.AddTrigger(t => t.ForJob(LoadRebalanceJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(rebalanceEvery).RepeatForever()));
        });
        if (!section.GetValue<bool>(nameof(ScalingOptions.Enabled)))
            return services;
        var interval = section.GetValue<TimeSpan?>(nameof(ScalingOptions.CheckInterval)) ?? new ScalingOptions().CheckInterval;
        services.AddQuartz(q =>
        {
            q.AddJob<ScalingCheckJob>(j => j.WithIdentity(ScalingCheckJob.Key));
            q.AddTrigger(t => t.ForJob(ScalingCheckJob.Key)
                .StartNow()
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()));
        });
        return services;
    }
}
