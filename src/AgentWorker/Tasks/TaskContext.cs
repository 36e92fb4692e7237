using System.Text.Json;

namespace AgentWorker.Tasks;

/// <summary>What a handler is given: the task, its attempt, its deadline and a scratch directory.</summary>
public sealed record TaskContext(string TaskId, string TaskType, int Attempt, JsonElement? Payload, DateTimeOffset Deadline, string WorkDirectory)
{
    /// <summary>The payload as <typeparamref name="T"/> (camelCase JSON), or a new T when there is none.</summary>
    public T PayloadAs<T>() where T : new() =>
        Payload is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } payload
            ? payload.Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? new T()
            : new T();
}
