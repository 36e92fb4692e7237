namespace CoordinatorCli.Api;

/// <summary>A task's latest progress, as GET /api/tasks/{id} shows it.</summary>
public sealed record TaskProgressView
{
    public double Percent { get; init; }
    public string? Message { get; init; }
    public DateTimeOffset? At { get; init; }
}
