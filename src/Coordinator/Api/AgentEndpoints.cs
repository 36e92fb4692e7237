using Coordinator.Agents;

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

        return app;
    }

    public sealed record FailureReport(string? Reason);
}
