namespace Coordinator.Scaling;

/// <summary>"Should the fleet shrink?" with its reason, the agents to drain, and the memory carried to the next check.</summary>
public sealed record ScaleDownAnswer(bool Yes, string Reason, IReadOnlyList<string> Stop, IReadOnlyDictionary<string, double> Numbers, ScalingMemory Memory);
