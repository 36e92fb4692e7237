namespace Coordinator.Contracts;

/// <summary>Published to <see cref="EntityNames.Alerts"/> when a raised alert's condition no longer holds.</summary>
public sealed record AlertResolved
{
    public Guid AlertId { get; init; }
    public string Rule { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Message { get; init; } = "";
    public DateTimeOffset RaisedAt { get; init; }
    public DateTimeOffset ResolvedAt { get; init; }
}
