using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Tasks.Scheduling;

namespace Coordinator.Api;

/// <summary>
/// /api/schedules: recurring tasks (a cron expression in a time zone) and the tasks held for a run-at time (kind <c>once</c>):
/// list, create, pause, resume, trigger now, remove.
/// </summary>
public static class ScheduleEndpoints
{
    public static IEndpointRouteBuilder MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/schedules");

        schedules.MapGet("/", async (TaskSchedules service, CancellationToken ct) => Results.Ok(await service.ListAsync(ct)));

        schedules.MapGet("/{id}", async (string id, TaskSchedules service, CancellationToken ct) =>
            await service.FindAsync(id, ct) is { } found ? Results.Ok(found) : NotFound(id));

        schedules.MapPost("/", CreateAsync).Accepts<ScheduleRequest>("application/json").Produces<ScheduleView>(StatusCodes.Status201Created);

        schedules.MapPost("/{id}/pause", async (string id, TaskSchedules service, CancellationToken ct) =>
            await service.PauseAsync(id, ct) is { } paused ? Results.Ok(paused) : NotFound(id));

        schedules.MapPost("/{id}/resume", async (string id, TaskSchedules service, CancellationToken ct) =>
            await service.ResumeAsync(id, ct) is { } resumed ? Results.Ok(resumed) : NotFound(id));

        // Triggering submits a task now: the owner's to do (a standby forwards it).
        schedules.MapPost("/{id}/trigger", async (string id, TaskSchedules service, CancellationToken ct) =>
            await service.TriggerAsync(id, ct) is { } taskId ? Results.Accepted($"/api/tasks/{taskId}", new { scheduleId = id, taskId }) : NotFound(id))
            .RequireOwner();

        schedules.MapDelete("/{id}", async (string id, TaskSchedules service, CancellationToken ct) =>
            await service.RemoveAsync(id, ct) ? Results.NoContent() : NotFound(id));
        return app;
    }

    static IResult NotFound(string id) => ApiErrors.NotFound($"schedule '{id}' not found");

    /// <summary>Read by hand, like a submission, so a malformed body or task is refused naming the problem.</summary>
    static async Task<IResult> CreateAsync(HttpRequest request, TaskSchedules service, CancellationToken ct)
    {
        ScheduleRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<ScheduleRequest>(request.Body, ApiJson.Options, ct);
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"malformed JSON: {ex.Message}");
        }
        if (body is null)
            return ApiErrors.BadRequest("the body must be a schedule object: {\"cron\": ..., \"timeZone\": ..., \"task\": {...}}");
        var (created, error, conflict) = await service.CreateAsync(body.Id, body.Cron, body.TimeZone, body.Task, ct);
        return created is not null ? Results.Created($"/api/schedules/{created.Id}", created)
            : conflict ? ApiErrors.Conflict(error!)
            : ApiErrors.BadRequest(error!);
    }

    /// <summary>POST /api/schedules: an optional id, a cron expression (five fields, or Quartz's six or seven), a time zone (UTC when absent) and the task each run submits.</summary>
    public sealed record ScheduleRequest(string? Id, string? Cron, string? TimeZone, SubmitTask? Task);
}
