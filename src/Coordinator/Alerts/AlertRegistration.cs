using Coordinator.Hosting;

namespace Coordinator.Alerts;

public static class AlertRegistration
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddValidatedOptions<AlertOptions>(AlertOptions.Section);
        services.AddSingleton<AlertBook>();
        services.AddSingleton<AlertWebhook>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertWebhook>());
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return services;
    }
}
