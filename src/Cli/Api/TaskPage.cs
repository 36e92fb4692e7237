namespace CoordinatorCli.Api;

/// <summary>GET /api/tasks.</summary>
public sealed record TaskPage
{
    public IReadOnlyList<TaskView> Items { get; init; } = [];
    public int Page { get; init; }
    public int PageSize { get; init; }
    public long Total { get; init; }
    /// <summary>True when more tasks match than the coordinator counts (Total is then its bound, 10,000).</summary>
    public bool TotalCapped { get; init; }
}
