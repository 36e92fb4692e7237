namespace CoordinatorCli.Api;

/// <summary>GET /api/tasks.</summary>
public sealed record TaskPage
{
    public IReadOnlyList<TaskView> Items { get; init; } = [];
    public int Page { get; init; }
    public int PageSize { get; init; }
    public long Total { get; init; }
}
