using Coordinator.Ownership;

namespace Coordinator.Api;

/// <summary>
/// The writes only the owner of the task path makes (cancel, re-run, drain, fail, scale, limits): a standby answers 503 naming
/// where the owner is, so a client or a load balancer sends it there (<c>/health/owner</c> says which instance it is).
/// </summary>
public static class OwnerOnly
{
    public static TBuilder RequireOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var ownership = context.HttpContext.RequestServices.GetRequiredService<TaskPathOwnership>();
            return ownership.IsActive ? await next(context) : Standby(ownership);
        });

    public static IResult Standby(TaskPathOwnership ownership) =>
        Results.Json(new StandbyAnswer($"this coordinator is a standby; the owner of the task path answers at {ownership.OwnerUrl ?? "(not known yet)"}",
            ownership.OwnerUrl), statusCode: StatusCodes.Status503ServiceUnavailable);

    public sealed record StandbyAnswer(string Error, string? Owner);
}
