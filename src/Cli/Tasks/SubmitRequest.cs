using System.Text.Json;

namespace CoordinatorCli.Tasks;

/// <summary>What `submit` was asked to do, validated: the task bodies to post, and whether and how long to wait.</summary>
public sealed record SubmitRequest
{
    public required IReadOnlyList<JsonElement> Tasks { get; init; }
    public bool Wait { get; init; }
    public TimeSpan Timeout { get; init; }
}
