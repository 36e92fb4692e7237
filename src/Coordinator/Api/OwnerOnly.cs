using Coordinator.Contracts;
using Coordinator.Ownership;
using MassTransit;

namespace Coordinator.Api;

/// <summary>
/// The writes only the owner of the task path makes (cancel, re-run, drain, fail, scale, limits). On a standby they are
/// forwarded to the owner through the broker (<see cref="ForwardApiWrite"/> on <c>coordinator.api-writes</c>) and its answer is
/// given as it is; when no owner answers in time, 503 names where the owner was last seen.
/// <para>
/// The reads of the owner's working state (in flight, waiting, per-agent load, alerts, the scaling view, limits' counts: what
/// lives in the owner's memory, not in PostgreSQL) take the same way, so a standby's dashboard shows the owner's figures. When
/// no owner answers them in time (a takeover under way), the standby answers from its own memory, and says so in
/// <c>X-Owner-Unreachable</c>.
/// </para>
/// </summary>
public static class OwnerOnly
{
    /// <summary>Longest a standby waits for the owner's answer to a forwarded write.</summary>
    static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Longest a standby waits for the owner's answer to a read, before it answers from its own memory (the dashboard polls).</summary>
    static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(3);

    public const string OwnerUnreachableHeader = "X-Owner-Unreachable";
    public const string AnsweredByHeader = "X-Answered-By-Coordinator";

    sealed class OwnerWrite;
    sealed class OwnerRead;

    /// <summary>Marks a route as a write of the owner's.</summary>
    public static TBuilder RequireOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnerWrite());

    /// <summary>Marks a route as a read of the owner's working state (its memory, not the shared database).</summary>
    public static TBuilder AnsweredByOwner<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new OwnerRead());

    /// <summary>Forwards the owner's writes that reach a standby (a middleware, ahead of the body being read by the route).</summary>
    public static WebApplication UseOwnerWrites(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var ownership = context.RequestServices.GetRequiredService<TaskPathOwnership>();
            var metadata = context.GetEndpoint()?.Metadata;
            var write = metadata?.GetMetadata<OwnerWrite>() is not null;
            var read = !write && metadata?.GetMetadata<OwnerRead>() is not null;
            if ((!write && !read) || ownership.IsActive)
            {
                await next(context);
                return;
            }
            if (context.Request.Headers.ContainsKey(ForwardApiWriteConsumer.ForwardedHeader))
            {
                // Forwarded here, and this is no longer the owner either: no second hop.
                if (write)
                    await Standby(ownership).ExecuteAsync(context);
                else
                    await AnswerOwnAsync(context, next, ownership);
                return;
            }
            if (write)
                await ForwardAsync(context, ownership);
            else if (!await ForwardReadAsync(context, ownership))
                await AnswerOwnAsync(context, next, ownership);
        });
        return app;
    }

    static Task AnswerOwnAsync(HttpContext context, RequestDelegate next, TaskPathOwnership ownership)
    {
        context.Response.Headers[OwnerUnreachableHeader] = "true";
        context.Response.Headers[AnsweredByHeader] = ownership.InstanceId;
        return next(context);
    }

    /// <summary>A read's answer from the owner; false when none came in time (the caller answers from this process).</summary>
    static async Task<bool> ForwardReadAsync(HttpContext context, TaskPathOwnership ownership)
    {
        if (ownership.OwnerUrl is null)
            return false; // no owner seen yet: nobody to ask
        try
        {
            var answer = await AskOwnerAsync(context, ownership, body: null, ReadTimeout);
            await WriteAsync(context, answer);
            return true;
        }
        catch (Exception ex) when (ex is RequestTimeoutException or RequestFaultException)
        {
            return false;
        }
    }

    static Task<Response<ApiWriteAnswered>> AskOwnerAsync(HttpContext context, TaskPathOwnership ownership, string? body, TimeSpan timeout) =>
        context.RequestServices.GetRequiredService<IBus>()
            .CreateRequestClient<ForwardApiWrite>(new Uri($"exchange:{EntityNames.ApiWritesQueue}"), RequestTimeout.After(ms: (int)timeout.TotalMilliseconds))
            .GetResponse<ApiWriteAnswered>(new ForwardApiWrite
            {
                Method = context.Request.Method,
                PathAndQuery = $"{context.Request.Path}{context.Request.QueryString}",
                Body = string.IsNullOrEmpty(body) ? null : body,
                ContentType = context.Request.ContentType,
                ForwardedBy = ownership.InstanceId,
                Timestamp = DateTimeOffset.UtcNow,
            }, context.RequestAborted);

    static async Task WriteAsync(HttpContext context, Response<ApiWriteAnswered> answer)
    {
        context.Response.StatusCode = answer.Message.Status;
        context.Response.Headers[AnsweredByHeader] = answer.Message.AnsweredBy;
        if (answer.Message.ContentType is { } type)
            context.Response.ContentType = type;
        await context.Response.WriteAsync(answer.Message.Body, context.RequestAborted);
    }

    static async Task ForwardAsync(HttpContext context, TaskPathOwnership ownership)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        try
        {
            await WriteAsync(context, await AskOwnerAsync(context, ownership, body, ForwardTimeout));
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
