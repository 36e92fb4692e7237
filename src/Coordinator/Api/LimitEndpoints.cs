using System.Text.Json;
using Coordinator.Tasks.Limits;
using Coordinator.Tasks.Placement;

namespace Coordinator.Api;

/// <summary>/api/limits: fleet-wide limits per task type (at most N at once, at most R started a second). Tasks over a limit wait.</summary>
public static class LimitEndpoints
{
    public static IEndpointRouteBuilder MapLimitEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.MapGroup("/api/limits");
        var limitsWrites = app.MapGroup("/api/limits").RequireOwner();

        limits.MapGet("/", (TaskLimits all, TaskPlacement placement) =>
            Results.Ok(all.All.Where(p => !p.Value.IsNone).OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase).Select(p => View(p.Key, p.Value, placement)).ToList()))
            .AnsweredByOwner(); // how many of each type run now is the owner's placement

        limitsWrites.MapPut("/{taskType}", SetAsync).Accepts<LimitRequest>("application/json").Produces<LimitView>();

        limitsWrites.MapDelete("/{taskType}", async (string taskType, TaskLimits all, CancellationToken ct) =>
        {
            if (!all.All.TryGetValue(taskType, out var limit) || limit.IsNone)
                return ApiErrors.NotFound($"task type '{taskType}' has no limit");
            await all.SetAsync(taskType, TaskTypeLimit.None, ct);
            return Results.NoContent();
        });
        return app;
    }

    static async Task<IResult> SetAsync(string taskType, HttpRequest request, TaskLimits limits, LimitedDispatchEndpoints endpoints,
        TaskPlacement placement, CancellationToken ct)
    {
        if (TaskLimits.InvalidType(taskType) is { } invalid)
            return ApiErrors.BadRequest(invalid);
        LimitRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<LimitRequest>(request.Body, ApiJson.Options, ct);
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"malformed JSON: {ex.Message}");
        }
        var limit = new TaskTypeLimit(body?.MaxConcurrent, body?.PerSecond);
        if (limit.IsNone)
            return ApiErrors.BadRequest("give maxConcurrent, perSecond or both (DELETE lifts a limit)");
        if (limit.Problem() is { } problem)
            return ApiErrors.BadRequest(problem);
        await limits.SetAsync(taskType, limit, ct);
        await endpoints.EnsureAsync(taskType, ct);
        return Results.Ok(View(taskType, limit, placement));
    }

    static LimitView View(string taskType, TaskTypeLimit limit, TaskPlacement placement) =>
        new(taskType, limit.MaxConcurrent, limit.PerSecond, placement.InFlightOfType(taskType));

    /// <summary>PUT /api/limits/{taskType}: at most this many at once, and/or at most this many started a second.</summary>
    public sealed record LimitRequest(int? MaxConcurrent, double? PerSecond);

    /// <summary>A type's limit (nulls: none of that kind) and how many of it are in flight now.</summary>
    public sealed record LimitView(string TaskType, int? MaxConcurrent, double? PerSecond, int InFlight);
}
