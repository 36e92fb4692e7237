namespace CoordinatorCli.Api;

/// <summary>Waiting work that needs more agents and that no profile can serve.</summary>
public sealed record UnservableDemandView
{
    public string? TaskType { get; init; }
    public IReadOnlyList<string>? RequiredCapabilities { get; init; }
    public int Waiting { get; init; }
}
