using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Coordinator.Contracts;

/// <summary>
/// Reads a <see cref="SubmitTask"/> in either naming: the documented camelCase (<c>taskId</c>, <c>taskType</c>,
/// <c>payload</c>, <c>requiredCapabilities</c>, <c>resources</c>, <c>runAt</c>) or the design's snake_case (<c>task_id</c>,
/// <c>task_type</c>, <c>task_data</c>, <c>required_capabilities</c>, <c>resource_allocation</c>, <c>run_at</c>); <c>priority</c>,
/// <c>deadline</c>, <c>resources</c> and <c>timestamp</c> are the same in both. Inside the resources object the same holds:
/// <c>cpuCores</c>, <c>memoryMb</c>, <c>diskMb</c> or <c>cpu_cores</c>, <c>memory_mb</c>, <c>disk_mb</c>. A message that mixes
/// the two namings (at the top or inside its resources, or one in each), gives one field under both names, or gives the
/// resources a field they do not have, is refused with a <see cref="SubmissionNamingException"/> naming the fields.
/// Written in camelCase.
/// </summary>
public sealed class SubmitTaskJsonConverter : JsonConverter<SubmitTask>
{
    static readonly (string Snake, string Camel)[] Names =
    [
        ("task_id", "taskId"), ("task_type", "taskType"), ("task_data", "payload"), ("required_capabilities", "requiredCapabilities"),
        ("resource_allocation", "resources"), ("run_at", "runAt"),
    ];

    static readonly (string Snake, string Camel)[] ResourceNames = [("cpu_cores", "cpuCores"), ("memory_mb", "memoryMb"), ("disk_mb", "diskMb")];

    /// <summary>The wire form: the same fields as <see cref="SubmitTask"/>, without this converter.</summary>
    sealed record Wire
    {
        public string? TaskId { get; init; }
        public string TaskType { get; init; } = "";
        public IReadOnlyList<string>? RequiredCapabilities { get; init; }
        public JsonElement? Payload { get; init; }
        public int Priority { get; init; }
        public DateTimeOffset? Deadline { get; init; }
        public DateTimeOffset? RunAt { get; init; }
        public TaskResources? Resources { get; init; }
        public DateTimeOffset? Timestamp { get; init; }
    }

    public override SubmitTask? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (JsonNode.Parse(ref reader) is not JsonObject task)
            throw new JsonException("a task must be a JSON object");
        List<string> keys;
        try
        {
            keys = task.Select(p => p.Key).ToList();
        }
        catch (ArgumentException ex)
        {
            // JsonObject refuses a property given twice only when it is first read: say so, as the malformed JSON it is.
            throw new JsonException($"the task names a property twice ({ex.Message.Split("Key: ").LastOrDefault()?.Split(' ')[0] ?? "?"})", ex);
        }
        bool Has(string name) => keys.Any(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        var snake = Names.Where(n => Has(n.Snake)).ToList();
        var camel = Names.Where(n => Has(n.Camel) && n.Camel != "resources").Select(n => n.Camel).ToList();
        var both = snake.Where(n => Has(n.Camel)).Select(n => $"{n.Snake} and {n.Camel}").ToList();
        if (both.Count > 0)
            throw new SubmissionNamingException($"the task gives {string.Join(", ", both)}: one field under two names; use one naming (camelCase is preferred)");
        if (snake.Count > 0 && camel.Count > 0)
            throw new SubmissionNamingException(
                $"the task mixes snake_case ({string.Join(", ", snake.Select(n => n.Snake))}) and camelCase ({string.Join(", ", camel)}) names; use one naming (camelCase is preferred)");
        foreach (var (from, to) in snake)
        {
            var key = keys.First(k => string.Equals(k, from, StringComparison.OrdinalIgnoreCase));
            var value = task[key];
            task.Remove(key);
            task[to] = value;
        }
        var resourcesKey = task.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, "resources", StringComparison.OrdinalIgnoreCase));
        if (resourcesKey is not null && task[resourcesKey] is JsonObject resources)
            RenameResources(resources, snake.Select(n => n.Snake).ToList(), camel,
                snake.Any(n => n.Camel == "resources") ? "resource_allocation" : resourcesKey);
        var wire = task.Deserialize<Wire>(options) ?? throw new JsonException("a task must be a JSON object");
        return new SubmitTask
        {
            TaskId = wire.TaskId, TaskType = wire.TaskType, RequiredCapabilities = wire.RequiredCapabilities, Payload = wire.Payload,
            Priority = wire.Priority, Deadline = wire.Deadline, RunAt = wire.RunAt, Resources = wire.Resources, Timestamp = wire.Timestamp,
        };
    }

    /// <summary>
    /// Reads the resources' snake_case names as the camelCase ones, in place. Refused: a field the resources do not have (it
    /// would be ignored, and the task placed as if it needed nothing), a field under both names, and a naming other than
    /// the task's own (<paramref name="snakeOutside"/>, <paramref name="camelOutside"/>: the task's names outside them).
    /// </summary>
    static void RenameResources(JsonObject resources, List<string> snakeOutside, List<string> camelOutside, string name)
    {
        List<string> keys;
        try
        {
            keys = resources.Select(p => p.Key).ToList();
        }
        catch (ArgumentException ex)
        {
            throw new JsonException($"{name} names a field twice", ex);
        }
        string? Find(string field) => keys.FirstOrDefault(k => string.Equals(k, field, StringComparison.OrdinalIgnoreCase));
        var unknown = keys.Where(k => !ResourceNames.Any(n => string.Equals(k, n.Snake, StringComparison.OrdinalIgnoreCase)
                                                            || string.Equals(k, n.Camel, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
            throw new SubmissionNamingException(
                $"{name} has no field {string.Join(", ", unknown)}; its fields are cpuCores, memoryMb and diskMb (snake_case: cpu_cores, memory_mb, disk_mb)");
        var both = ResourceNames.Where(n => Find(n.Snake) is not null && Find(n.Camel) is not null).Select(n => $"{name}.{n.Snake} and {name}.{n.Camel}").ToList();
        if (both.Count > 0)
            throw new SubmissionNamingException($"the task gives {string.Join(", ", both)}: one field under two names; use one naming (camelCase is preferred)");
        var snake = ResourceNames.Where(n => Find(n.Snake) is not null).Select(n => $"{name}.{n.Snake}").ToList();
        var camel = ResourceNames.Where(n => Find(n.Camel) is not null).Select(n => $"{name}.{n.Camel}").ToList();
        snake.InsertRange(0, snakeOutside);
        camel.InsertRange(0, camelOutside);
        if (snake.Count > 0 && camel.Count > 0)
            throw new SubmissionNamingException(
                $"the task mixes snake_case ({string.Join(", ", snake)}) and camelCase ({string.Join(", ", camel)}) names; use one naming (camelCase is preferred)");
        foreach (var (from, to) in ResourceNames)
        {
            if (Find(from) is not { } key)
                continue;
            var value = resources[key];
            resources.Remove(key);
            resources[to] = value;
        }
    }

    public override void Write(Utf8JsonWriter writer, SubmitTask value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Wire
        {
            TaskId = value.TaskId, TaskType = value.TaskType, RequiredCapabilities = value.RequiredCapabilities, Payload = value.Payload,
            Priority = value.Priority, Deadline = value.Deadline, RunAt = value.RunAt, Resources = value.Resources, Timestamp = value.Timestamp,
        }, options);
}

/// <summary>A submission whose field names cannot be read unambiguously (two namings mixed, one field under both names).</summary>
public sealed class SubmissionNamingException(string message) : JsonException(message);
