using System.Text.Json;

namespace CoordinatorCli.Api;

/// <summary>GET /api/tasks/{id}. Status stays a string so a status added later still reads.</summary>
public sealed record TaskView
{
    public string TaskId { get; init; } = "";
    public string? TaskType { get; init; }
    public string Status { get; init; } = "";
    public string? AgentId { get; init; }
    public int? Attempts { get; init; }
    public int? Priority { get; init; }
    public IReadOnlyList<string>? RequiredCapabilities { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    public JsonElement? Result { get; init; }
    public JsonElement? Error { get; init; }
    public JsonElement? Reason { get; init; }
    public TaskProgressView? Progress { get; init; }
    public JsonElement? Checkpoint { get; init; }
    public DateTimeOffset? CheckpointAt { get; init; }
}
