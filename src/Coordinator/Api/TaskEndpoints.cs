using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Tasks;
using Coordinator.Tasks.Intake;
using Coordinator.Tasks.Ledger;
using MassTransit;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.Api;

public static class TaskEndpoints
{
    public static IEndpointRouteBuilder MapTaskEndpoints(this IEndpointRouteBuilder app)
    {
        var tasks = app.MapGroup("/api/tasks");
        var tasksWrites = app.MapGroup("/api/tasks").RequireOwner();

        tasks.MapPost("/", SubmitAsync);

        tasksWrites.MapPost("/{taskId}/cancel", async (string taskId, CancelRequest? request, Tasks.Control.TaskCancellation cancellation, CancellationToken ct) =>
        {
            var reason = string.IsNullOrWhiteSpace(request?.Reason) ? "cancelled by a user" : request.Reason.Trim();
            if (reason.Length > 1000)
                return ApiErrors.BadRequest($"reason is {reason.Length} characters; at most 1000");
            var outcome = await cancellation.CancelAsync(taskId, reason, ct);
            return outcome switch
            {
                { Status: null } => ApiErrors.NotFound($"task '{taskId}' not found"),
                { Cancelled: false } => Results.Conflict(new
                {
                    error = $"task '{taskId}' is {outcome.Status}: it has ended and cannot be cancelled", status = outcome.Status, reason = outcome.Reason,
                }),
                _ => Results.Accepted($"/api/tasks/{taskId}", new { taskId, status = outcome.Status, agentId = outcome.AgentId, reason = outcome.Reason }),
            };
        });

        tasksWrites.MapPost("/{taskId}/retry", async (string taskId, Tasks.Control.TaskRerun rerun, CancellationToken ct) =>
        {
            var outcome = await rerun.RerunAsync(taskId, ct);
            return outcome switch
            {
                { Status: null } => ApiErrors.NotFound($"task '{taskId}' not found"),
                { Unavailable: true } => ApiErrors.Unavailable(outcome.Refusal!, taskId),
                { Rerun: false } => Results.Conflict(new { error = outcome.Refusal, status = outcome.Status }),
                _ => Results.Accepted($"/api/tasks/{taskId}", new { taskId, status = outcome.Status, attempt = outcome.Attempt }),
            };
        });

        tasksWrites.MapPost("/retry", async (BulkRetryRequest? request, Tasks.Control.TaskRerun rerun, CancellationToken ct) =>
        {
            request ??= new BulkRetryRequest(null, null, null, null, null);
            List<TaskStatus> statuses = [];
            foreach (var name in request.Status ?? [])
            {
                if (!Enum.TryParse<TaskStatus>(name, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                    return ApiErrors.BadRequest($"status '{name}' is unknown; use one of {string.Join(", ", Enum.GetNames<TaskStatus>())}");
                if (!Tasks.Control.TaskRerun.Rerunnable.Contains(parsed))
                    return ApiErrors.BadRequest($"status '{parsed}' cannot be re-run; use {string.Join(", ", Tasks.Control.TaskRerun.Rerunnable)}");
                statuses.Add(parsed);
            }
            if (request.Limit is < 1 or > MaxBulkRetry)
                return ApiErrors.BadRequest($"limit must be between 1 and {MaxBulkRetry}");
            if (request.Type is { Length: > 200 })
                return ApiErrors.BadRequest("type must be at most 200 characters");
            if (request is { FinishedAfter: { } after, FinishedBefore: { } before } && after >= before)
                return ApiErrors.BadRequest("finishedAfter must be earlier than finishedBefore");
            var outcome = await rerun.RerunManyAsync(statuses.Count == 0 ? Tasks.Control.TaskRerun.Rerunnable : statuses,
                string.IsNullOrWhiteSpace(request.Type) ? null : request.Type.Trim(), request.FinishedAfter, request.FinishedBefore,
                request.Limit ?? 100, ct);
            return Results.Ok(new { rerun = outcome.Rerun, refused = outcome.Refused, more = outcome.More });
        });

        tasks.MapGet("/{taskId}", async (string taskId, TaskQueries queries, CancellationToken ct) =>
            await queries.FindAsync(taskId, ct) is { } task ? Results.Ok(task) : ApiErrors.NotFound($"task '{taskId}' not found"));

        tasks.MapGet("/", async (string? status, string? type, int? page, int? pageSize, TaskQueries queries, CancellationToken ct) =>
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
            if (type is { Length: > 200 })
                return ApiErrors.BadRequest("type must be at most 200 characters");
            return Results.Ok(await queries.ListAsync(filter, page ?? 1, pageSize ?? 50, ct, string.IsNullOrWhiteSpace(type) ? null : type.Trim()));
        });
        return app;
    }

    /// <summary>How long a submission waits for the broker to confirm it before answering 503.</summary>
    static readonly TimeSpan BrokerConfirmTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The same intake as the broker's: 202 with the id, or 400 with the reason. 503 when the broker is
    /// unreachable: nothing is taken when the bus is known to be down. A submission the broker has not confirmed
    /// in time is answered 503 too, but not abandoned: it stays Pending and goes on to dispatch as soon as the
    /// broker confirms it (until the coordinator stops); submitting the same taskId again is safe either way.
    /// </summary>
    static async Task<IResult> SubmitAsync(HttpRequest request, TaskIntake intake, IBusControl bus, IHostApplicationLifetime lifetime,
        Ownership.TaskPathOwnership ownership, TaskRules rules, ILoggerFactory loggers, CancellationToken ct)
    {
        SubmitTask? submission;
        try
        {
            submission = await JsonSerializer.DeserializeAsync<SubmitTask>(request.Body, ApiJson.Options, ct);
        }
        catch (SubmissionNamingException ex)
        {
            return ApiErrors.BadRequest(ex.Message);
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

        if (!ownership.IsActive)
        {
            // A standby (or an owner still taking over): the owner's intake takes it, through the exchange any client publishes to (what can be checked here is).
            if (rules.Validate(submission) is { } invalid)
                return Results.BadRequest(new { error = invalid, taskId });
            try
            {
                await bus.Publish(submission with { TaskId = taskId }, publish =>
                {
                    if (clientId)
                        publish.Headers.Set(SubmitTaskConsumer.ClientChosenIdHeader, true); // the owner looks it up: a retry is taken once
                }, ct).WaitAsync(BrokerConfirmTimeout, ct);
            }
            catch (TimeoutException)
            {
                return ApiErrors.Unavailable($"the broker has not confirmed task '{taskId}' within {BrokerConfirmTimeout.TotalSeconds:0} s; submit it again with the same taskId", taskId);
            }
            return Results.Accepted($"/api/tasks/{taskId}", new { taskId });
        }

        // Sent through the bus itself, not the request's scope, so it may outlive the request.
        var submitting = intake.SubmitAsync(submission, taskId, clientId, bus, bus, lifetime.ApplicationStopping);
        string? rejection;
        try
        {
            rejection = await submitting.WaitAsync(BrokerConfirmTimeout, ct);
        }
        catch (TimeoutException)
        {
            var logger = loggers.CreateLogger(typeof(TaskEndpoints).FullName!);
            _ = submitting.ContinueWith(t => logger.LogWarning(t.Exception?.GetBaseException(),
                    "Task {TaskId}: its unconfirmed submission ended without reaching dispatch", taskId),
                CancellationToken.None, TaskContinuationOptions.NotOnRanToCompletion, TaskScheduler.Default);
            return ApiErrors.Unavailable($"the broker has not confirmed task '{taskId}' within {BrokerConfirmTimeout.TotalSeconds:0} s; it stays " +
                                         "Pending and is queued once the broker confirms it; submitting it again with the same taskId is safe", taskId);
        }
        return rejection is null
            ? Results.Accepted($"/api/tasks/{taskId}", new { taskId })
            : Results.BadRequest(new { error = rejection, taskId });
    }

    public sealed record CancelRequest(string? Reason);

    /// <summary>Most tasks one bulk re-run takes (the answer says when more matched).</summary>
    const int MaxBulkRetry = 1000;

    /// <summary>POST /api/tasks/retry: which tasks to re-run. Status: any of DeadLettered, Failed, TimedOut, Cancelled (all four when empty).</summary>
    public sealed record BulkRetryRequest(IReadOnlyList<string>? Status, string? Type, DateTimeOffset? FinishedAfter, DateTimeOffset? FinishedBefore, int? Limit);
}
