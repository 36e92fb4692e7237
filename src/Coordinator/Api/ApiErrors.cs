namespace Coordinator.Api;

/// <summary>Every API error is JSON with an <c>error</c> field that says what is wrong.</summary>
public static class ApiErrors
{
    public static IResult NotFound(string error) => Results.NotFound(new ApiError(error));

    public static IResult BadRequest(string error) => Results.BadRequest(new ApiError(error));

    public static IResult Conflict(string error) => Results.Conflict(new ApiError(error));

    /// <summary>503: the request was fine but a dependency (the broker) is away; <paramref name="taskId"/> names what to resubmit.</summary>
    public static IResult Unavailable(string error, string? taskId = null) =>
        Results.Json(new UnavailableError(error, taskId), statusCode: StatusCodes.Status503ServiceUnavailable);

    public sealed record ApiError(string Error);

    public sealed record UnavailableError(string Error, string? TaskId);
}
