namespace CoordinatorCli.Api;

/// <summary>"Should the fleet grow?" or "should it shrink?", as the coordinator answers it now: yes or no, the trigger, and why.</summary>
public sealed record ScalingAnswerView
{
    public bool Yes { get; init; }
    public string? Trigger { get; init; }
    public string? Reason { get; init; }
}
