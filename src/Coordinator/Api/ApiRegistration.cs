using Coordinator.Api.Security;
using Coordinator.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Coordinator.Api;

public static class ApiRegistration
{
    public static IServiceCollection AddCoordinatorApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddApiSecurity();
        // A body or parameter that does not bind throws, so the request shield answers it with JSON naming the problem
        // (by default, outside Development, it would be a 400 with an empty body).
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddSingleton<Observability.CoordinatorMetrics>();
        services.AddSingleton<Observability.SystemFigures>();
        services.AddHostedService(sp => sp.GetRequiredService<Observability.SystemFigures>());
        return services;
    }

    /// <summary>
    /// Every route, each a minimal-API handler, so that the OpenAPI document (<c>/openapi/v1.json</c>) describes all of
    /// them (a unit test holds the two together).
    /// </summary>
    public static WebApplication MapCoordinatorApi(this WebApplication app)
    {
        app.UseRequestShield();
        app.UseApiKeys();
        app.UseUtf8Bodies();
        app.UseOwnerWrites();
        app.MapLogin();
        app.MapOpenApi();
        app.MapAgentEndpoints();
        app.MapTaskEndpoints();
        app.MapScheduleEndpoints();
        app.MapLimitEndpoints();
        app.MapMetricsEndpoints();
        app.MapScalingEndpoints();
        app.MapAlertEndpoints();
        app.MapDashboard();

        var prometheus = app.Services.GetRequiredService<Observability.CoordinatorMetrics>();
        prometheus.Observe(app.Services);
        app.MapGet("/metrics", async (HttpContext context, CancellationToken ct) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await prometheus.Registry.CollectAndExportAsTextAsync(context.Response.Body, ct);
        }).Produces(StatusCodes.Status200OK, contentType: "text/plain").WithSummary("The coordinator's series in Prometheus' text format");

        app.MapGet("/health/live", () => Results.Text("Healthy"))
            .Produces(StatusCodes.Status200OK, contentType: "text/plain").WithSummary("Answers while the process runs");
        app.MapGet("/health/ready", async (HealthCheckService health, Ownership.TaskPathOwnership ownership, CancellationToken ct) =>
        {
            var report = await health.CheckHealthAsync(check => check.Tags.Contains(HealthRegistration.ReadyTag), ct);
            var body = new
            {
                status = report.Status.ToString(),
                role = ownership.Role,
                owner = ownership.IsOwner ? null : ownership.OwnerUrl,
                checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
            };
            // Not ready while taking over: the owner's queues are not consumed (nor, on a new broker, declared) yet.
            return report.Status == HealthStatus.Unhealthy || ownership.Role == "taking-over"
                ? Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Ok(body);
        }).WithSummary("200 when the broker and the database answer and the bus runs (role: owner or standby); 503 with the failing checks otherwise");
        app.MapGet("/health/owner", (Ownership.TaskPathOwnership ownership) => ownership.IsActive
                ? Results.Ok(new { role = ownership.Role, epoch = ownership.Epoch })
                : OwnerOnly.Standby(ownership))
            .WithSummary("200 on the coordinator that owns the task path now (for a load balancer's writes); 503 naming the owner on a standby");
        return app;
    }
}
