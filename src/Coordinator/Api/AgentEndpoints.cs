using Coordinator.Agents;
using Coordinator.Agents.Identity;
using Coordinator.Hosting;

namespace Coordinator.Api;

public static class AgentEndpoints
{
    public static IEndpointRouteBuilder MapAgentEndpoints(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/agents");
        var agentsWrites = app.MapGroup("/api/agents").RequireOwner();

        agents.MapGet("/", async (IAgentCoordinator coordinator, CancellationToken ct) =>
            Results.Ok(await coordinator.ListAgentsAsync(ct)));

        agents.MapGet("/{agentId}", async (string agentId, IAgentCoordinator coordinator, CancellationToken ct) =>
            await coordinator.GetAgentStatusAsync(agentId, ct) is { } agent
                ? Results.Ok(agent)
                : ApiErrors.NotFound($"agent '{agentId}' not found"));

        agentsWrites.MapDelete("/{agentId}", async (string agentId, IAgentCoordinator coordinator, CancellationToken ct) =>
            await coordinator.UnregisterAgentAsync(agentId, "unregistered by operator", ct)
                ? Results.Accepted($"/api/agents/{agentId}")
                : ApiErrors.NotFound($"agent '{agentId}' not found"));

        agentsWrites.MapPost("/{agentId}/drain", async (string agentId, IAgentCoordinator coordinator, CancellationToken ct) =>
        {
            var agent = await coordinator.GetAgentStatusAsync(agentId, ct);
            if (agent is null)
                return ApiErrors.NotFound($"agent '{agentId}' not found");
            if (!AgentStates.Live.Contains(agent.State))
                return ApiErrors.Conflict($"agent '{agentId}' is {agent.State}: there is nothing to drain");
            await coordinator.DrainAgentAsync(agent, ct);
            return Results.Accepted($"/api/agents/{agentId}");
        });

        agentsWrites.MapPost("/{agentId}/failure", async (string agentId, FailureReport? report, IAgentCoordinator coordinator, CancellationToken ct) =>
            await coordinator.HandleAgentFailureAsync(agentId, report?.Reason ?? "declared failed by operator", ct)
                ? Results.Accepted($"/api/agents/{agentId}")
                : ApiErrors.NotFound($"agent '{agentId}' not found"));

        // An agent started elsewhere gets its own broker user here (an operator key; any coordinator answers, not only the owner).
        agents.MapPost("/{agentId}/credentials", async (string agentId, AgentCredentials credentials, RabbitMqOptions broker,
            CancellationToken ct) =>
        {
            if (AgentIdentity.Problem(agentId) is { } problem)
                return ApiErrors.BadRequest(problem);
            BrokerUser user;
            try
            {
                user = await credentials.IssueAsync(agentId, ct);
            }
            catch (HttpRequestException ex)
            {
                return BrokerRefused(ex);
            }
            var (configure, write, read) = AgentIdentityCheck.PermissionsOf(agentId);
            return Results.Ok(new AgentCredentialsIssued(agentId, user.Username, user.Password, broker.VirtualHost, configure, write, read,
                [.. broker.AgentEnvironment(user: user).Where(e => e.Key.EndsWith("__Username", StringComparison.Ordinal)
                    || e.Key.EndsWith("__Password", StringComparison.Ordinal)).Select(e => $"{e.Key}={e.Value}")]));
        });

        // An agent started elsewhere enrols itself with a bootstrap token (Agent:BootstrapToken): its own broker user, unless an
        // agent of that id is live (its user is never handed out from under it). No API key: the token is the check.
        agents.MapPost("/{agentId}/enroll", async (string agentId, HttpContext http, AgentEnrollment enrollment, AgentCredentials credentials,
            IAgentCoordinator coordinator, RabbitMqOptions broker, ILoggerFactory loggers, CancellationToken ct) =>
        {
            if (enrollment.Find(http.Request.Headers[AgentEnrollment.Header].ToString()) is not { } tokenName)
                return Results.Json(new ApiErrors.ApiError(http.Request.Headers.ContainsKey(AgentEnrollment.Header)
                    ? "this bootstrap token is not known"
                    : $"a bootstrap token is needed in the {AgentEnrollment.Header} header"), ApiJson.Options, statusCode: StatusCodes.Status401Unauthorized);
            if (AgentIdentity.Problem(agentId) is { } problem)
                return ApiErrors.BadRequest(problem);
            if (await coordinator.GetAgentStatusAsync(agentId, ct) is { } live && AgentStates.Live.Contains(live.State))
                return ApiErrors.Conflict($"agent '{agentId}' is {live.State}: the broker user of a live agent is not handed out again");
            BrokerUser user;
            try
            {
                user = await credentials.IssueAsync(agentId, ct);
            }
            catch (HttpRequestException ex)
            {
                return BrokerRefused(ex);
            }
            loggers.CreateLogger(typeof(AgentEnrollment)).LogInformation("Agent {AgentId} enrolled with bootstrap token '{Token}': broker user {User}",
                agentId, tokenName, user.Username);
            return Results.Ok(new AgentEnrolled(agentId, user.Username, user.Password, broker.VirtualHost));
        }).WithSummary("An agent's own broker user for its bootstrap token (header X-Agent-Bootstrap-Token; no API key)");

        agents.MapDelete("/{agentId}/credentials", async (string agentId, AgentCredentials credentials, CancellationToken ct) =>
        {
            if (AgentIdentity.Problem(agentId) is { } problem)
                return ApiErrors.BadRequest(problem);
            try
            {
                await credentials.RevokeAsync(agentId, ct);
            }
            catch (HttpRequestException ex)
            {
                return BrokerRefused(ex);
            }
            return Results.NoContent();
        });

        return app;
    }

    /// <summary>The broker's management API could not do it: 502, with what it answered.</summary>
    static IResult BrokerRefused(HttpRequestException ex) =>
        Results.Json(new ApiErrors.ApiError(ex.Message), ApiJson.Options, statusCode: StatusCodes.Status502BadGateway);

    public sealed record FailureReport(string? Reason);

    /// <summary>What an enrolling agent connects with.</summary>
    public sealed record AgentEnrolled(string AgentId, string Username, string Password, string VirtualHost);

    /// <summary>An agent's broker user: the password is shown once, here; <see cref="Environment"/> is what to start the agent with.</summary>
    public sealed record AgentCredentialsIssued(string AgentId, string Username, string Password, string VirtualHost,
        string Configure, string Write, string Read, IReadOnlyList<string> Environment);
}
