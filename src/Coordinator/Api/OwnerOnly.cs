using Coordinator.Contracts;
using Coordinator.Ownership;
using MassTransit;

namespace Coordinator.Api;

/// <summary>
/// The writes only the owner of the task path makes (cancel, re-run, drain, fail, scale, limits). On a standby they are
/// forwarded to the owner through the broker (<see cref="ForwardApiWrite"/> on <c>coordinator.api-writes</c>) and its answer is
/// given as it is; when no owner answers in time, 503 names where the owner was last seen.
/// </summary>
public static class OwnerOnly
{
    /// <summary>Longest a standby waits for the owner's answer to a forwarded write.</summary>
    static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(15);

    sealed class OwnerWrite;

    /// <summary>Marks a route as a write of the owner's.</summary>
    public static TBuilder RequireOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnerWrite());

    /// <summary>Forwards the owner's writes that reach a standby (a middleware, ahead of the body being read by the route).</summary>
    public static WebApplication UseOwnerWrites(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var ownership = context.RequestServices.GetRequiredService<TaskPathOwnership>();
            if (context.GetEndpoint()?.Metadata.GetMetadata<OwnerWrite>() is null || ownership.IsActive)
            {
                await next(context);
                return;
            }
            if (context.Request.Headers.ContainsKey(ForwardApiWriteConsumer.ForwardedHeader))
            {
                // Forwarded here, and this is no longer the owner either: no second hop.
                await Standby(ownership).ExecuteAsync(context);
                return;
            }
            await ForwardAsync(context, ownership);
        });
        return app;
    }

    static async Task ForwardAsync(HttpContext context, TaskPathOwnership ownership)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var client = context.RequestServices.GetRequiredService<IBus>()
            .CreateRequestClient<ForwardApiWrite>(new Uri($"exchange:{EntityNames.ApiWritesQueue}"), RequestTimeout.After(s: (int)ForwardTimeout.TotalSeconds));
        try
        {
            var answer = await client.GetResponse<ApiWriteAnswered>(new ForwardApiWrite
            {
                Method = context.Request.Method,
                PathAndQuery = $"{context.Request.Path}{context.Request.QueryString}",
                Body = body.Length == 0 ? null : body,
                ContentType = context.Request.ContentType,
                ForwardedBy = ownership.InstanceId,
                Timestamp = DateTimeOffset.UtcNow,
            }, context.RequestAborted);
            context.Response.StatusCode = answer.Message.Status;
            context.Response.Headers["X-Answered-By-Coordinator"] = answer.Message.AnsweredBy;
            if (answer.Message.ContentType is { } type)
                context.Response.ContentType = type;
            await context.Response.WriteAsync(answer.Message.Body, context.RequestAborted);
        }
        catch (RequestTimeoutException)
        {
            await Standby(ownership).ExecuteAsync(context);
        }
        catch (RequestFaultException ex)
        {
            // The owner took it but could not make it: say so, with its reason.
            await Results.Json(new StandbyAnswer($"the owner of the task path could not make this write: {ex.Fault?.Exceptions.FirstOrDefault()?.Message ?? ex.Message}",
                ownership.OwnerUrl), statusCode: StatusCodes.Status502BadGateway).ExecuteAsync(context);
        }
    }

    public static IResult Standby(TaskPathOwnership ownership) =>
        Results.Json(new StandbyAnswer($"this coordinator is a standby and no owner of the task path answered; the owner was last at {ownership.OwnerUrl ?? "(not known yet)"}",
            ownership.OwnerUrl), statusCode: StatusCodes.Status503ServiceUnavailable);

    public sealed record StandbyAnswer(string Error, string? Owner);
}
