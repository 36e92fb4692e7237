using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>
/// A task, as submitted (the seed's TaskAssignment). Published to exchange <c>coordinator.tasks</c>
/// as a MassTransit message or as plain JSON (<c>content_type: application/json</c>) from any client, in camelCase or in
/// the design's snake_case names (<see cref="SubmitTaskJsonConverter"/>).
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(SubmitTaskJsonConverter))]
public sealed record SubmitTask
{
    /// <summary>Optional: generated when absent.</summary>
    public string? TaskId { get; init; }
    public string TaskType { get; init; } = "";
    public IReadOnlyList<string>? RequiredCapabilities { get; init; }
    /// <summary>Any JSON; handed to the task's handler as is.</summary>
    public JsonElement? Payload { get; init; }
    /// <summary>0 to 9, higher first.</summary>
    public int Priority { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    /// <summary>Optional: when to run it. A task with a run-at time in the future is Scheduled until then, then placed as any other.</summary>
    public DateTimeOffset? RunAt { get; init; }
    public TaskResources? Resources { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
}
