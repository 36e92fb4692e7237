namespace CoordinatorCli.Api;

/// <summary>Seconds from the decision to start an agent until it was Active, over the recent starts.</summary>
public sealed record ResponseSecondsView
{
    public int Count { get; init; }
    public double Median { get; init; }
    public double Max { get; init; }
    public double Last { get; init; }
}
