using Coordinator.Scaling;

namespace Coordinator.Api;

public static class ScalingEndpoints
{
    public static IEndpointRouteBuilder MapScalingEndpoints(this IEndpointRouteBuilder app)
    {
        var scaling = app.MapGroup("/api/scaling");
        var scalingWrites = app.MapGroup("/api/scaling").RequireOwner();

        scaling.MapGet("/", async (ScalingManager manager, CancellationToken ct) => Results.Ok(await manager.ViewAsync(ct))).AnsweredByOwner();

        scalingWrites.MapPost("/up", async (ScaleRequest? request, ScalingManager manager, ScalingOptions options, CancellationToken ct) =>
        {
            if (Refuse(request, options) is { } refused)
                return refused;
            try
            {
                var change = await manager.ScaleUpAsync(request!.Count, request.Profile, "asked through the API", ct);
                return Results.Accepted("/api/scaling", change);
            }
            catch (ArgumentException ex)
            {
                return ApiErrors.BadRequest(ex.Message);
            }
        });

        scalingWrites.MapPost("/down", async (ScaleRequest? request, ScalingManager manager, ScalingOptions options, CancellationToken ct) =>
        {
            if (Refuse(request, options) is { } refused)
                return refused;
            if (request!.Profile is not null)
                return ApiErrors.BadRequest("profile applies to scaling up only; scaling down picks idle or least-loaded agents");
            return Results.Accepted("/api/scaling", await manager.ScaleDownAsync(request.Count, "asked through the API", ct));
        });
        return app;
    }

    static IResult? Refuse(ScaleRequest? request, ScalingOptions options)
    {
        if (!options.Enabled)
            return ApiErrors.Conflict("scaling is disabled (Scaling:Enabled = false)");
        if (request is null)
            return ApiErrors.BadRequest("the body must be an object with a count, e.g. {\"count\": 1}");
        if (request.Count < 1 || request.Count > options.MaxAgents)
            return ApiErrors.BadRequest($"count must be between 1 and MaxAgents ({options.MaxAgents}), was {request.Count}");
        return null;
    }

    public sealed record ScaleRequest(int Count, string? Profile);
}
