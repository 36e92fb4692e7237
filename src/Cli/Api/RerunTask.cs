namespace CoordinatorCli.Api;

/// <summary>The 202 answer of POST /api/tasks/{id}/retry: the task, its status now (Pending) and the first attempt of its new run.</summary>
public sealed record RerunTask
{
    public string TaskId { get; init; } = "";
    public string? Status { get; init; }
    public int Attempt { get; init; }
}
