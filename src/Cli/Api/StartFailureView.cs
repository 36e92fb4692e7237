namespace CoordinatorCli.Api;

/// <summary>A profile whose agents failed to start: how often in a row, the last error, and when it is tried again (null: now).</summary>
public sealed record StartFailureView
{
    public string? Profile { get; init; }
    public int FailuresInARow { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? At { get; init; }
    public DateTimeOffset? RetryAt { get; init; }
}
