using System.Net;
using Coordinator.Hosting;

namespace Coordinator.Api.Security;

public static partial class ApiSecurityRegistration
{
    public static IServiceCollection AddApiSecurity(this IServiceCollection services)
    {
        services.AddValidatedOptions<ApiSecurityOptions>(ApiSecurityOptions.Section);
        services.AddSingleton<ApiAccess>();
        return services;
    }

    /// <summary>The check of <see cref="ApiAccess"/> on every request, answered 401 or 403 with a JSON body naming what is missing.</summary>
    public static WebApplication UseApiKeys(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<ApiAccess>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiAccess));
        LogAccess(logger, access.OpenTo, access.KeyCount);
        LogAgentIdentity(logger, app.Services.GetRequiredService<Agents.Identity.AgentIdentityCheck>().Mode);
        app.Use(async (context, next) =>
        {
            if (access.Check(context) is { } refused)
            {
                context.Response.StatusCode = refused.Status;
                if (refused.Status == StatusCodes.Status401Unauthorized)
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsJsonAsync(new ApiErrors.ApiError(refused.Error), ApiJson.Options, context.RequestAborted);
                return;
            }
            await next(context);
        });
        return app;
    }

    /// <summary>
    /// <c>/login</c>: a form that takes a key and keeps it in an HTTP-only cookie for the dashboard, with an anti-forgery token
    /// beside it (a cookie the dashboard's script echoes in a header on every change); <c>/logout</c> forgets both.
    /// </summary>
    public static WebApplication MapLogin(this WebApplication app)
    {
        app.MapGet("/login", (HttpContext context) => Page(context, StatusCodes.Status200OK, ""))
            .Produces(StatusCodes.Status200OK, contentType: "text/html").WithSummary("The dashboard's sign-in form (an API key)");
        app.MapPost("/login", async (HttpContext context, ApiAccess access) =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var key = form["key"].ToString().Trim();
            if (key.Length == 0 || access.Find(key) is not { } found)
                return Page(context, StatusCodes.Status401Unauthorized, "That key is not known.");
            var secure = context.Request.IsHttps;
            context.Response.Cookies.Append(ApiAccess.KeyCookie, key,
                new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/" });
            context.Response.Cookies.Append(ApiAccess.CsrfCookie, HashedSecret.New(),
                new CookieOptions { HttpOnly = false, SameSite = SameSiteMode.Strict, Secure = secure, Path = "/" });
            LogLogin(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiAccess)), found.Name, found.Role);
            return Results.Redirect("/", permanent: false);
        }).Produces(StatusCodes.Status302Found).Produces(StatusCodes.Status401Unauthorized, contentType: "text/html")
            .WithSummary("Signs the dashboard in: form field key; sets the HTTP-only key cookie and the anti-forgery cookie").DisableAntiforgery();
        app.MapPost("/logout", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(ApiAccess.KeyCookie);
            context.Response.Cookies.Delete(ApiAccess.CsrfCookie);
            return Results.Redirect("/login", permanent: false);
        }).Produces(StatusCodes.Status302Found).WithSummary("Signs the dashboard out: forgets both cookies");
        return app;
    }

    static IResult Page(HttpContext context, int status, string problem)
    {
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'";
        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Coordinator: sign in</title>
            <link rel="stylesheet" href="/dashboard/dashboard.css"></head>
            <body><main class="login"><h1>Coordinator</h1>
            <form method="post" action="/login">
            <label>API key <input type="password" name="key" autocomplete="current-password" autofocus required></label>
            <button type="submit">Sign in</button>
            </form>
            <p class="problem">{WebUtility.HtmlEncode(problem)}</p>
            <p>A key is configured under <code>Api:Keys</code>; <code>coordinator-cli keys new</code> makes one.</p>
            </main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }

    [LoggerMessage(LogLevel.Information, "HTTP API: open without a key to {OpenTo}; {Keys} key(s) configured")]
    static partial void LogAccess(ILogger logger, ApiOpenTo openTo, int keys);

    [LoggerMessage(LogLevel.Information, "Agents: identity {Mode} (Broker: each agent's messages must come from its own broker user, agent-<id>)")]
    static partial void LogAgentIdentity(ILogger logger, Agents.Identity.AgentIdentityMode mode);

    [LoggerMessage(LogLevel.Information, "Dashboard signed in with key '{Name}' ({Role})")]
    static partial void LogLogin(ILogger logger, string name, ApiRole role);
}
