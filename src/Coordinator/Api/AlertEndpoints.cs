using Coordinator.Alerts;

namespace Coordinator.Api;

public static class AlertEndpoints
{
    public static IEndpointRouteBuilder MapAlertEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts", (AlertBook book) =>
        {
            var alerts = book.List();
            return Results.Ok(new { firing = alerts.Count(a => a.ResolvedAt is null), alerts });
        }).AnsweredByOwner(); // the owner alone evaluates the rules
        return app;
    }
}
