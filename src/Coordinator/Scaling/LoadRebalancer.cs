using Coordinator.Tasks.Recovery;
using Coordinator.Agents;
using Coordinator.Tasks;
using Coordinator.Tasks.Placement;
using MassTransit;

namespace Coordinator.Scaling;

/// <summary>
/// Every Scaling:LoadBalanceInterval: asks <see cref="RebalancePolicy"/> which waiting assignments should move, and asks
/// their agents to release them (<see cref="AssignmentMover"/>); a released one is placed again with its next attempt.
/// </summary>
public sealed class LoadRebalancer(AgentRegistry registry, TaskPlacement placement, AssignmentMover mover, ScalingOptions options, IBus bus,
    TimeProvider time)
{
    public async Task<int> RebalanceAsync(CancellationToken cancellationToken)
    {
        await mover.FlushAsync(bus, cancellationToken);
        var now = time.GetUtcNow();
        var agents = registry.All.Where(a => a.State is AgentStates.Active or AgentStates.Degraded or AgentStates.Unhealthy)
            .Select(a =>
            {
                var performance = placement.PerformanceOf(a.AgentId);
                return new RebalanceAgent(a.AgentId, a.State, a.Capabilities, a.Resources, a.MaxConcurrentTasks, placement.LoadOf(a.AgentId),
                    performance.MeanDurationMs, performance.Completed);
            }).ToList();
        var waiting = placement.InFlightSnapshot().Where(t => t.StartedAt is null)
            .Select(t => new WaitingAssignment(t.Task.TaskId, t.Attempt, t.AgentId, t.Task.TaskType, t.Task.RequiredCapabilities, t.Task.Resources,
                now - t.AssignedAt))
            .ToList();
        var asked = 0;
        foreach (var move in RebalancePolicy.Choose(agents, waiting, options.RebalanceSlowFactor, options.LoadBalanceInterval))
        {
            var assignment = move.Assignment;
            if (await mover.RequestReleaseAsync(assignment.TaskId, assignment.Attempt, assignment.AgentId, move.Reason, bus, cancellationToken))
                asked++;
        }
        return asked;
    }
}
