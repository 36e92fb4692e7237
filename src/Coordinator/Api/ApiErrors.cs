namespace Coordinator.Api;

/// <summary>Every API error is JSON with an <c>error</c> field that says what is wrong.</summary>
public static class ApiErrors
{
    public static IResult NotFound(string error) => Results.NotFound(new ApiError(error));

    public static IResult BadRequest(string error) => Results.BadRequest(new ApiError(error));

    public sealed record ApiError(string Error);
}
