using Coordinator.Contracts;
using Coordinator.Tasks.Placement;

namespace Coordinator.Health;

/// <summary>
/// Each agent's performance against its own past: a window of its recent results, and baselines (a duration
/// per task type and an error rate; plain means while learning, then slow moving averages) learned from the
/// results that have left that window, so the recent ones are always judged against what came before. An agent
/// whose recent median duration is a multiple of its baseline, or whose recent error rate is well above its
/// baseline rate, is Degraded; it recovers once both are back within half of those margins. While it is
/// Degraded nothing is learned, so the slowness is not taken for normal. Fed with every current result.
/// </summary>
public sealed class PerformanceBaselines
{
    readonly DetectionOptions options;
    readonly TimeProvider time;

    /// <summary>Learns from every attempt that ends with a measured outcome (placement says so).</summary>
    public PerformanceBaselines(DetectionOptions options, TimeProvider time, TaskPlacement placement)
    {
        this.options = options;
        this.time = time;
        placement.Finished += f => Record(f.AgentId, f.TaskType, f.Succeeded, f.DurationMs);
    }

    const double Smoothing = 0.05;
    readonly Lock _gate = new();
    readonly Dictionary<string, AgentRecord> _agents = new(StringComparer.Ordinal);

    sealed class AgentRecord
    {
        public readonly Dictionary<string, (long Count, double MeanMs)> DurationByType = new(StringComparer.OrdinalIgnoreCase);
        public readonly Queue<Result> Recent = new();
        public long Results;
        public double ErrorRate;
        public bool Degraded;
        public string? Reason;
    }

    readonly record struct Result(DateTimeOffset At, string TaskType, bool Succeeded, double DurationMs, double? Ratio);

    public void Record(string agentId, string taskType, bool succeeded, double durationMs)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_agents.TryGetValue(agentId, out var agent))
                _agents[agentId] = agent = new AgentRecord();

            double? ratio = null;
            if (succeeded && agent.DurationByType.TryGetValue(taskType, out var baseline) && baseline.Count >= 3)
                ratio = Math.Max(durationMs, 1) / Math.Max(baseline.MeanMs, 1);
            agent.Recent.Enqueue(new Result(now, taskType, succeeded, durationMs, ratio));
            while (agent.Recent.Count > options.PerformanceWindow)
                Retire(agent, agent.Recent.Dequeue());
        }
    }

    /// <summary>A result leaving the recent window becomes part of the baseline (unless the agent is Degraded).</summary>
    void Retire(AgentRecord agent, Result result)
    {
        if (agent.Degraded)
            return;
        agent.Results++;
        agent.ErrorRate = Blend(agent.ErrorRate, result.Succeeded ? 0 : 1, agent.Results);
        if (!result.Succeeded)
            return;
        var count = agent.DurationByType.TryGetValue(result.TaskType, out var baseline) ? baseline.Count + 1 : 1;
        agent.DurationByType[result.TaskType] = (count, count == 1 ? result.DurationMs : Blend(baseline.MeanMs, result.DurationMs, count));
    }

    /// <summary>A plain mean while few values are known, then an exponentially weighted one.</summary>
    double Blend(double mean, double value, long count) =>
        count <= options.BaselineResults ? mean + (value - mean) / count : mean + Smoothing * (value - mean);

    /// <summary>The verdict on an agent's recent results; Healthy with no reason while there is too little to judge.</summary>
    public (AgentHealthStatus Status, string Reason) Assess(string agentId)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_agents.TryGetValue(agentId, out var agent) || agent.Results < options.BaselineResults)
                return (AgentHealthStatus.Healthy, "");
            while (agent.Recent.TryPeek(out var oldest) && now - oldest.At > options.PerformanceMemory)
                Retire(agent, agent.Recent.Dequeue());

            var minimum = Math.Max(3, options.PerformanceWindow / 2);
            if (agent.Recent.Count == 0)
                agent.Degraded = false; // nothing recent to hold against it
            else if (agent.Recent.Count >= minimum)
            {
                var margin = agent.Degraded ? 0.5 : 1.0; // recover only well inside the margins that tripped it
                agent.Reason = null;
                var errorRate = agent.Recent.Count(r => !r.Succeeded) / (double)agent.Recent.Count;
                if (errorRate >= agent.ErrorRate + options.ErrorRateDegradedIncrease * margin)
                    agent.Reason = $"error rate {errorRate * 100:0}% over its last {agent.Recent.Count} results against its own baseline of {agent.ErrorRate * 100:0}%";
                var ratios = agent.Recent.Where(r => r.Ratio is not null).Select(r => r.Ratio!.Value).Order().ToList();
                var factor = 1 + (options.LatencyDegradedFactor - 1) * margin;
                if (agent.Reason is null && ratios.Count >= 3 && ratios[ratios.Count / 2] >= factor)
                    agent.Reason = $"recent median duration {ratios[ratios.Count / 2]:0.0}x its own baseline";
                agent.Degraded = agent.Reason is not null;
            }
            return agent.Degraded ? (AgentHealthStatus.Degraded, agent.Reason ?? "") : (AgentHealthStatus.Healthy, "");
        }
    }

    /// <summary>A new registration starts without history.</summary>
    public void Forget(string agentId)
    {
        lock (_gate)
            _agents.Remove(agentId);
    }
}
