using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.Tasks;

/// <summary>A task as GET /api/tasks/{id} shows it.</summary>
public sealed record TaskView
{
    public required string TaskId { get; init; }
    public required string TaskType { get; init; }
    public required string Status { get; init; }
    public string? AgentId { get; init; }
    public int Attempts { get; init; }
    public int Priority { get; init; }
    public IReadOnlyList<string> RequiredCapabilities { get; init; } = [];
    public TaskResources Resources { get; init; } = new();
    public DateTimeOffset SubmittedAt { get; init; }
    public DateTimeOffset? AssignedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public JsonElement? Result { get; init; }
    public string? Error { get; init; }
    public string? Reason { get; init; }
    /// <summary>The latest progress the current attempt reported; null before any.</summary>
    public TaskProgressView? Progress { get; init; }
    /// <summary>The last checkpoint saved (the next attempt resumes from it) and when; null before any.</summary>
    public JsonElement? Checkpoint { get; init; }
    public DateTimeOffset? CheckpointAt { get; init; }
    /// <summary>How earlier runs ended, when the task was re-run (oldest first).</summary>
    public IReadOnlyList<TaskRunSummary> EarlierRuns { get; init; } = [];

    public static TaskView From(TaskRecord r) => new()
    {
        TaskId = r.TaskId,
        TaskType = r.TaskType,
        Status = r.Status.ToString(),
        AgentId = r.AgentId,
        Attempts = r.Attempts,
        Priority = r.Priority,
        RequiredCapabilities = r.RequiredCapabilities,
        Resources = new TaskResources { CpuCores = r.CpuCores, MemoryMb = r.MemoryMb, DiskMb = r.DiskMb },
        SubmittedAt = r.SubmittedAt,
        AssignedAt = r.AssignedAt,
        StartedAt = r.StartedAt,
        FinishedAt = r.FinishedAt,
        Deadline = r.Deadline,
        RunAt = r.RunAt,
        Result = r.Result is null ? null : JsonDocument.Parse(r.Result).RootElement.Clone(),
        Error = r.Error,
        Reason = r.Reason,
        Progress = r.ProgressPercent is { } percent ? new TaskProgressView(percent, r.ProgressMessage, r.ProgressAt) : null,
        Checkpoint = r.Checkpoint is null ? null : JsonDocument.Parse(r.Checkpoint).RootElement.Clone(),
        CheckpointAt = r.CheckpointAt,
        EarlierRuns = r.EarlierRuns is null ? [] : JsonSerializer.Deserialize<List<TaskRunSummary>>(r.EarlierRuns, Json) ?? [],
    };

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
