using Coordinator.Contracts;

namespace Coordinator.Scaling;

/// <summary>An agent as load rebalancing sees it: its state, what it offers, its load and its measured speed.</summary>
public sealed record RebalanceAgent(
    string AgentId,
    string State,
    IReadOnlyList<string> Capabilities,
    AgentResources Resources,
    int Concurrency,
    int InFlight,
    double MeanTaskMs,
    long Completed);
