namespace CoordinatorCli.Api;

/// <summary>The body of POST /api/scaling/up and /down; the profile (up only) is left out when null.</summary>
public sealed record ScaleRequest
{
    public required int Count { get; init; }
    public string? Profile { get; init; }
}
