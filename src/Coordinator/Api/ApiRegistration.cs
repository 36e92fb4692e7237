using Prometheus;
using Coordinator.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coordinator.Api;

public static class ApiRegistration
{
    public static IServiceCollection AddCoordinatorApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddSingleton<Observability.CoordinatorMetrics>();
        services.AddSingleton<Observability.SystemFigures>();
        services.AddHostedService(sp => sp.GetRequiredService<Observability.SystemFigures>());
        return services;
    }

    public static WebApplication MapCoordinatorApi(this WebApplication app)
    {
        app.MapAgentEndpoints();
        app.MapTaskEndpoints();
        app.MapMetricsEndpoints();
        var prometheus = app.Services.GetRequiredService<Observability.CoordinatorMetrics>();
        prometheus.Observe(app.Services);
        app.MapMetrics("/metrics", prometheus.Registry);
        app.MapScalingEndpoints();
        app.MapAlertEndpoints();
        app.MapDashboard();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(HealthRegistration.ReadyTag),
            ResponseWriter = WriteHealthJson,
        });
        return app;
    }

    static Task WriteHealthJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }
}
