namespace Coordinator.Scaling;

/// <summary>One check's outcome: grow, shrink or hold, why, and the numbers behind it.</summary>
public sealed record ScalingDecision
{
    public required ScalingAction Action { get; init; }
    public required ScalingTrigger Trigger { get; init; }
    public required string Reason { get; init; }
    public IReadOnlyList<ProfileCount> Start { get; init; } = [];
    public IReadOnlyList<string> Stop { get; init; } = [];
    public required int Current { get; init; }
    public required int Desired { get; init; }
    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>();
    public IReadOnlyList<DemandGroup> Unservable { get; init; } = [];
    public required ScalingMemory Memory { get; init; }
}

public enum ScalingAction
{
    Hold,
    Up,
    Down,
}
