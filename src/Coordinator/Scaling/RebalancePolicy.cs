using System.Globalization;
using Coordinator.Agents;

namespace Coordinator.Scaling;

/// <summary>
/// The design's rebalance_load, a pure function: which assignments waiting (not started) on an agent should move to an
/// agent with a free slot. An agent has fallen behind when it is Degraded or Unhealthy, or much slower than its peers (its
/// mean task time at least RebalanceSlowFactor × their median, over at least <see cref="MinCompletions"/> tasks each): what
/// waits on it moves once it has waited a moment. On any agent, an assignment that has waited LoadBalanceInterval while
/// another agent able to run it has a free slot moves too (a long task holds the buffer behind it while a new agent idles).
/// Never more moves than there are free slots able to take them.
/// </summary>
public static class RebalancePolicy
{
    public const int MinCompletions = 5;

    /// <summary>How long an assignment on an agent that fell behind waits before it moves: the dispatcher's own race settles first.</summary>
    public static readonly TimeSpan MinimumWait = TimeSpan.FromSeconds(1);

    public static IReadOnlyList<RebalanceMove> Choose(IReadOnlyList<RebalanceAgent> agents, IReadOnlyList<WaitingAssignment> waiting,
        double slowFactor, TimeSpan waitedTooLong)
    {
        var byId = agents.ToDictionary(a => a.AgentId, StringComparer.Ordinal);
        var behind = agents.ToDictionary(a => a.AgentId, a => FellBehind(a, agents, slowFactor), StringComparer.Ordinal);
        var free = agents
            .Where(a => a.State == AgentStates.Active && behind[a.AgentId] is null && a.Concurrency > a.InFlight)
            .ToDictionary(a => a.AgentId, a => a.Concurrency - a.InFlight, StringComparer.Ordinal);
        var moves = new List<RebalanceMove>();
        foreach (var assignment in waiting.OrderByDescending(w => w.Waited).ThenBy(w => w.TaskId, StringComparer.Ordinal))
        {
            if (!byId.TryGetValue(assignment.AgentId, out var holder))
                continue;
            var why = behind[holder.AgentId] is { } lag && assignment.Waited >= MinimumWait ? lag
                : assignment.Waited >= waitedTooLong ? $"waited {Num(assignment.Waited.TotalSeconds)} s"
                : null;
            if (why is null)
                continue;
            var target = free.Keys.Where(id => id != holder.AgentId && free[id] > 0 && Serves(byId[id], assignment))
                .OrderByDescending(id => free[id]).ThenBy(id => id, StringComparer.Ordinal).FirstOrDefault();
            if (target is null)
                continue;
            free[target]--;
            moves.Add(new RebalanceMove(assignment, $"agent {holder.AgentId} fell behind ({why}) and agent {target} has a free slot"));
        }
        return moves;
    }

    /// <summary>Why the agent has fallen behind, or null.</summary>
    public static string? FellBehind(RebalanceAgent agent, IReadOnlyList<RebalanceAgent> agents, double slowFactor)
    {
        if (agent.State is AgentStates.Degraded or AgentStates.Unhealthy)
            return $"it is {agent.State}";
        if (agent.Completed < MinCompletions)
            return null;
        var peers = agents.Where(a => a.AgentId != agent.AgentId && a.Completed >= MinCompletions).Select(a => a.MeanTaskMs).Order().ToList();
        if (peers.Count == 0)
            return null;
        var median = peers[peers.Count / 2];
        return median > 0 && agent.MeanTaskMs >= slowFactor * median
            ? $"slow: {Num(agent.MeanTaskMs)} ms per task against its peers' {Num(median)} ms"
            : null;
    }

    static bool Serves(RebalanceAgent agent, WaitingAssignment assignment) =>
        agent.Capabilities.Contains(assignment.TaskType, StringComparer.OrdinalIgnoreCase)
        && assignment.RequiredCapabilities.All(c => agent.Capabilities.Contains(c, StringComparer.OrdinalIgnoreCase))
        && assignment.Resources.CpuCores <= agent.Resources.CpuCores && assignment.Resources.MemoryMb <= agent.Resources.MemoryMb
        && assignment.Resources.DiskMb <= agent.Resources.DiskMb;

    static string Num(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);
}
