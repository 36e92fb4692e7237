namespace Coordinator.Scaling;

/// <summary>What a manual scale-up or scale-down did: the agents started or chosen to drain, and why (including any limit that held it back).</summary>
public sealed record ScalingChange(IReadOnlyList<string> AgentIds, string Reason);
