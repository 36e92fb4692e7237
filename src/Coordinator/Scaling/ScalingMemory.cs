namespace Coordinator.Scaling;

/// <summary>What decisions remember between checks: when the fleet last grew and shrank, and since when it has been calm.</summary>
public sealed record ScalingMemory(DateTimeOffset? LastScaleUp, DateTimeOffset? LastScaleDown, DateTimeOffset? CalmSince)
{
    public static readonly ScalingMemory Empty = new(null, null, null);
}
