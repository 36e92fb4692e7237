namespace CoordinatorCli.Api;

/// <summary>A task a bulk re-run left alone, and why.</summary>
public sealed record RefusedRerun
{
    public string TaskId { get; init; } = "";
    public string Error { get; init; } = "";
}
