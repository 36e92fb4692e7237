using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// Weighted by measured performance: weight = success rate / mean duration of completed tasks, shared
/// out smoothly (the agent with the highest weight per task in flight). An agent without a record is
/// trusted: full success rate at the fleet's mean duration; one that never completed anything is
/// timed at the fleet's mean too.
/// </summary>
public sealed class WeightedStrategy : IPlacementStrategy
{
    public string Name => "Weighted";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible)
    {
        var timed = eligible.Where(c => c.Performance.Completed > 0).ToList();
        var fleetMeanMs = timed.Count > 0 ? timed.Average(c => c.Performance.MeanDurationMs) : 1000.0;
        return eligible
            .OrderByDescending(c => Weight(c.Performance, fleetMeanMs) / (c.InFlight + 1))
            .ThenBy(c => c.AgentId, StringComparer.Ordinal)
            .First();
    }

    public static double Weight(AgentPerformance p, double fleetMeanMs)
    {
        var total = p.Completed + p.Failed;
        var successRate = total == 0 ? 1.0 : (p.Completed + 1.0) / (total + 1.0);
        var meanMs = p.Completed > 0 ? p.MeanDurationMs : fleetMeanMs;
        return successRate / (Math.Max(meanMs, 1.0) / 1000.0);
    }
}
