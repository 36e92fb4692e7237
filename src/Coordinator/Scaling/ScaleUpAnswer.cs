namespace Coordinator.Scaling;

/// <summary>
/// "Should the fleet grow?" with its reason. <see cref="Pressure"/> is true whenever a trigger fired, even when a
/// cooldown, the maximum, the budget or the resources held the answer back: the fleet is then not shrunk either.
/// </summary>
public sealed record ScaleUpAnswer(
    bool Yes,
    bool Pressure,
    ScalingTrigger Trigger,
    string Reason,
    IReadOnlyList<ProfileCount> Start,
    IReadOnlyDictionary<string, double> Numbers,
    IReadOnlyList<DemandGroup> Unservable)
{
    public int Count => Start.Sum(s => s.Count);
}
