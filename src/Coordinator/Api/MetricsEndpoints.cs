using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Health;
using Coordinator.Messaging;
using Coordinator.Tasks;
using Coordinator.Tasks.Dispatch;
using Coordinator.Tasks.Ledger;
using Coordinator.Tasks.Placement;
using Coordinator.Tasks.Recovery;

namespace Coordinator.Api;

public static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/metrics", async (TaskQueries tasks, AgentRegistry registry, TaskPlacement placement, ResourceReporter resources,
            BrokerQueues queues, StrategySelector strategies, RecoveryMetrics recovery, HealthFigures health, CancellationToken ct) =>
        {
            var agents = registry.All;
            var waiting = placement.Waiting;
            return Results.Ok(new
            {
                tasks = await tasks.CountByStatusAsync(ct),
                queueDepth = await queues.DepthAsync(EntityNames.DispatchQueue, ct),
                waiting = waiting.Count,
                inFlight = placement.InFlightCount,
                agents = agents.GroupBy(a => a.State).ToDictionary(g => g.Key, g => g.Count()),
                load = agents.Where(a => AgentStates.Live.Contains(a.State)).OrderBy(a => a.AgentId, StringComparer.Ordinal).Select(a => new
                {
                    a.AgentId,
                    inFlight = placement.LoadOf(a.AgentId),
                    a.MaxConcurrentTasks,
                    performance = placement.PerformanceOf(a.AgentId),
                }),
                strategies = strategies.Names.Order(),
                resources = resources.Report(),
                recovery = recovery.Snapshot(),
                detection = health.Snapshot(),
            });
        });
        return app;
    }
}
