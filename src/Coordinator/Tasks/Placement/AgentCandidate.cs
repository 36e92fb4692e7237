using Coordinator.Agents;
using Coordinator.Contracts;

namespace Coordinator.Tasks.Placement;

/// <summary>An eligible agent with what the coordinator knows of its load and record.</summary>
public sealed record AgentCandidate(AgentView Agent, int InFlight, int Slots, TaskResources Allocated, AgentPerformance Performance)
{
    public string AgentId => Agent.AgentId;
}

/// <summary>Measured by the coordinator from task results: completions, failures and the mean duration of completions.</summary>
public sealed record AgentPerformance(long Completed, long Failed, double MeanDurationMs)
{
    public static readonly AgentPerformance None = new(0, 0, 0);
}
