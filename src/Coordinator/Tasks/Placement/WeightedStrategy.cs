using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>
/// Weighted by measured performance: weight = success rate / mean duration, shared out smoothly (the
/// agent with the highest weight per task in flight). An agent without a record is trusted: full
/// success rate at the fleet's mean duration.
/// </summary>
public sealed class WeightedStrategy : IPlacementStrategy
{
    public string Name => "Weighted";

    public AgentCandidate Select(DispatchTask task, IReadOnlyList<AgentCandidate> eligible)
    {
        var known = eligible.Where(c => c.Performance.Completed + c.Performance.Failed > 0).ToList();
        var fleetMeanSeconds = known.Count > 0 ? Math.Max(known.Average(c => c.Performance.MeanDurationMs), 1.0) / 1000.0 : 1.0;
        return eligible
            .OrderByDescending(c => (c.Performance.Completed + c.Performance.Failed > 0 ? Weight(c) : 1.0 / fleetMeanSeconds) / (c.InFlight + 1))
            .ThenBy(c => c.AgentId, StringComparer.Ordinal)
            .First();
    }

    public static double Weight(AgentCandidate c)
    {
        var p = c.Performance;
        var total = p.Completed + p.Failed;
        var successRate = total == 0 ? 1.0 : (p.Completed + 1.0) / (total + 1.0);
        var meanSeconds = Math.Max(p.MeanDurationMs, 1.0) / 1000.0;
        return successRate / meanSeconds;
    }
}
