using System.Text.Json;

namespace CoordinatorCli.Api;

/// <summary>The body of POST /api/tasks built from command-line options; null members are left out.</summary>
public sealed record TaskSubmission
{
    public string? TaskId { get; init; }
    public required string TaskType { get; init; }
    public IReadOnlyList<string>? RequiredCapabilities { get; init; }
    public JsonElement? Payload { get; init; }
    public int? Priority { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    public DateTimeOffset? RunAt { get; init; }
    public TaskResourcesRequest? Resources { get; init; }
}
