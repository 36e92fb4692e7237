namespace Coordinator.Contracts;

/// <summary>
/// Sent by a standby coordinator to <c>coordinator.api-writes</c>, consumed by the owner of the task path: an HTTP write made to
/// the standby (cancel, re-run, drain, scale, limits), for the owner to make; or a read of what only the owner holds in memory
/// (<c>/api/metrics</c>, <c>/api/alerts</c>, the scaling view, limits' counts), for the owner to answer. Answered with
/// <see cref="ApiWriteAnswered"/>.
/// </summary>
public sealed record ForwardApiWrite
{
    public string Method { get; init; } = "";
    /// <summary>Path and query, e.g. <c>/api/tasks/t-1/cancel</c>.</summary>
    public string PathAndQuery { get; init; } = "";
    public string? Body { get; init; }
    public string? ContentType { get; init; }
    /// <summary>The standby that forwarded it.</summary>
    public string ForwardedBy { get; init; } = "";
    public DateTimeOffset Timestamp { get; init; }
}
