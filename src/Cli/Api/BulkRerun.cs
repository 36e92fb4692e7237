namespace CoordinatorCli.Api;

/// <summary>The answer of POST /api/tasks/retry: the tasks re-run, those refused with why, and whether more matched than the limit.</summary>
public sealed record BulkRerun
{
    public IReadOnlyList<string> Rerun { get; init; } = [];
    public IReadOnlyList<RefusedRerun> Refused { get; init; } = [];
    public bool More { get; init; }
}
