namespace Coordinator.Scaling;

/// <summary>A decision as /api/scaling lists it: when, what, which trigger with its reason and numbers, and the agents concerned.</summary>
public sealed record ScalingDecisionRecord(
    DateTimeOffset At,
    string Action,
    string Trigger,
    string Reason,
    int Current,
    int Desired,
    IReadOnlyList<string> AgentIds,
    IReadOnlyDictionary<string, double> Numbers);
