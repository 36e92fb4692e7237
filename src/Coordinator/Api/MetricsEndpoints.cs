using Coordinator.Agents;
using Coordinator.Contracts;
using Coordinator.Health;
using Coordinator.Messaging;
using Coordinator.Observability;
using Coordinator.Scaling;
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
            BrokerQueues queues, StrategySelector strategies, RecoveryMetrics recovery, HealthFigures health, SystemFigures system,
            ScalingManager scaling, CancellationToken ct) =>
        {
            var agents = registry.All;
            var waiting = placement.Waiting;
            var live = agents.Where(a => AgentStates.Live.Contains(a.State)).OrderBy(a => a.AgentId, StringComparer.Ordinal).ToList();
            var report = resources.Report();
            var usage = report.Agents.ToDictionary(u => u.AgentId, Efficiency, StringComparer.Ordinal);
            return Results.Ok(new
            {
                tasks = await tasks.CountByStatusAsync(ct),
                queueDepth = await queues.DepthAsync(EntityNames.DispatchQueue, ct),
                waiting = waiting.Count,
                inFlight = placement.InFlightCount,
                agents = agents.GroupBy(a => a.State).ToDictionary(g => g.Key, g => g.Count()),
                system = new
                {
                    totalAgents = agents.Count(a => a.State != AgentStates.Unregistered),
                    activeAgents = agents.Count(a => a.State == AgentStates.Active),
                    figures = system.Now(),
                },
                load = live.Select(a =>
                {
                    var performance = placement.PerformanceOf(a.AgentId);
                    var finished = performance.Completed + performance.Failed;
                    return new
                    {
                        a.AgentId,
                        a.State,
                        inFlight = placement.LoadOf(a.AgentId),
                        a.MaxConcurrentTasks,
                        performance,
                        completionRate = finished == 0 ? (double?)null : Math.Round((double)performance.Completed / finished, 4),
                        averageTaskSeconds = performance.Completed == 0 ? (double?)null : Math.Round(performance.MeanDurationMs / 1000, 3),
                        errorCount = performance.Failed,
                        resourceEfficiency = usage.GetValueOrDefault(a.AgentId),
                        health = a.State,
                    };
                }),
                coordination = new
                {
                    loadBalance = Coordination.JainIndex(live.Select(a => (double)placement.LoadOf(a.AgentId) / Math.Max(1, placement.SlotsOf(a)))),
                    scalingResponseSeconds = scaling.Enabled ? (await scaling.ViewAsync(ct)).ResponseSeconds : null,
                },
                strategies = strategies.Names.Order(),
                resources = report,
                recovery = recovery.Snapshot(),
                detection = health.Snapshot(),
            });
        }).AnsweredByOwner(); // in flight, waiting, load, recovery and detection are the owner's working state

        app.MapGet("/api/metrics/history", (SystemFigures system) => Results.Ok(new
        {
            sampleSeconds = SystemFigures.SampleEvery.TotalSeconds,
            samples = system.History(),
        })).AnsweredByOwner();
        return app;
    }

    /// <summary>
    /// Resource usage efficiency: what the agent measures itself using, over what its tasks reserved on it (CPU as a share of
    /// its declared cores, memory in MB); null where nothing is reserved. Near 1: reservations match use; far below: tasks
    /// reserve more than they use; above: they use more than they declare.
    /// </summary>
    static object Efficiency(AgentResourceUsage agent) => new
    {
        cpu = agent.CpuAllocated > 0 ? Math.Round(agent.Measured.CpuPercent / 100 / agent.CpuAllocated, 3) : (double?)null,
        memory = agent.Allocated.MemoryMb > 0 ? Math.Round((double)agent.Measured.MemoryMb / agent.Allocated.MemoryMb, 3) : (double?)null,
    };
}
