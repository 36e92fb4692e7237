namespace Coordinator.Contracts;

/// <summary>The owner's answer to a <see cref="ForwardApiWrite"/>: the HTTP status and body it gave.</summary>
public sealed record ApiWriteAnswered
{
    public int Status { get; init; }
    public string Body { get; init; } = "";
    public string? ContentType { get; init; }
    /// <summary>The owner that answered.</summary>
    public string AnsweredBy { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
