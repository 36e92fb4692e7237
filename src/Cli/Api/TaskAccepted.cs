namespace CoordinatorCli.Api;

public sealed record TaskAccepted
{
    public string? TaskId { get; init; }
}
