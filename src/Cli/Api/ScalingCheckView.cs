namespace CoordinatorCli.Api;

/// <summary>What the ScalingManager's last check decided: Hold, Up or Down, the trigger, and why.</summary>
public sealed record ScalingCheckView
{
    public string? Action { get; init; }
    public string? Trigger { get; init; }
    public string? Reason { get; init; }
}
