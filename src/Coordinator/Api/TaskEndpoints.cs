using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Tasks;
using MassTransit;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.Api;

public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks");

        tasks.MapPost("/", SubmitAsync);

        tasks.MapGet("/{taskId}", async (string taskId, TaskQueries queries, CancellationToken ct) =>
            await queries.FindAsync(taskId, ct) is { } task ? Results.Ok(task) : ApiErrors.NotFound($"task '{taskId}' not found"));

        tasks.MapGet("/", async (string? status, int? page, int? pageSize, TaskQueries queries, CancellationToken ct) =>
        {
            TaskStatus? filter = null;
            if (status is not null)
            {
                if (!Enum.TryParse<TaskStatus>(status, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    return ApiErrors.BadRequest($"status '{status}' is unknown; use one of {string.Join(", ", Enum.GetNames<TaskStatus>())}");
                filter = parsed;
            }
            if (page is < 1)
                return ApiErrors.BadRequest("page must be 1 or more");
            if (pageSize is < 1 or > 1000)
                return ApiErrors.BadRequest("pageSize must be between 1 and 1000");
            return Results.Ok(await queries.ListAsync(filter, page ?? 1, pageSize ?? 50, ct));
        });
        return app;
    }

    /// <summary>How long a submission waits for the broker to confirm it before answering 503.</summary>
    static readonly TimeSpan BrokerConfirmTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The same intake as the broker's: 202 with the id, or 400 with the reason. 503 when the broker is
    /// unreachable: nothing is taken when the bus is known to be down; a send the broker did not confirm in
    /// time leaves the task Pending, and submitting the same taskId again is safe (it is accepted once).
    /// </summary>
    static async Task<IResult> SubmitAsync(HttpRequest request, TaskIntake intake, ISendEndpointProvider sender, IPublishEndpoint publisher,
        IBusControl bus, CancellationToken ct)
    {
        SubmitTask? submission;
        try
        {
            submission = await JsonSerializer.DeserializeAsync<SubmitTask>(request.Body, ApiJson.Options, ct);
        }
        catch (JsonException ex)
        {
            return ApiErrors.BadRequest($"malformed JSON: {ex.Message}");
        }
        if (submission is null)
            return ApiErrors.BadRequest("the body must be a task object");

        var clientId = !string.IsNullOrWhiteSpace(submission.TaskId);
        var taskId = clientId ? submission.TaskId! : TaskIntake.NewTaskId();
        if (bus.CheckHealth() is { Status: BusHealthStatus.Unhealthy } health)
            return ApiErrors.Unavailable($"the broker is unreachable, task not accepted; submit it again later ({health.Description})");

        string? rejection;
        using var confirm = CancellationTokenSource.CreateLinkedTokenSource(ct);
        confirm.CancelAfter(BrokerConfirmTimeout);
        try
        {
            rejection = await intake.SubmitAsync(submission, taskId, clientId, sender, publisher, confirm.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ApiErrors.Unavailable($"the broker did not confirm task '{taskId}' within {BrokerConfirmTimeout.TotalSeconds:0} s; " +
                                         "submit it again with the same taskId (it is accepted once)", taskId);
        }
        return rejection is null
            ? Results.Accepted($"/api/tasks/{taskId}", new { taskId })
            : Results.BadRequest(new { error = rejection, taskId });
    }
}
