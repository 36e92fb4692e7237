using System.Text.Json;

namespace CoordinatorCli.Api;

/// <summary>
/// GET /api/metrics, read tolerantly: every numeric field under <c>tasks</c> and <c>agents</c>, the
/// <c>queueDepth</c>, and any other numeric field (nested ones as <c>parent.child</c>) under <see cref="Other"/>.
/// </summary>
public sealed record MetricsSnapshot
{
    public IReadOnlyList<KeyValuePair<string, double>> Tasks { get; init; } = [];
    public double? QueueDepth { get; init; }
    public IReadOnlyList<KeyValuePair<string, double>> Agents { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, double>> Other { get; init; } = [];

    public static MetricsSnapshot Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException($"expected a JSON object, got {root.ValueKind}");
        }

        IReadOnlyList<KeyValuePair<string, double>> tasks = [], agents = [];
        double? queueDepth = null;
        var other = new List<KeyValuePair<string, double>>();
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case var name when Is(name, "tasks") && property.Value.ValueKind == JsonValueKind.Object:
                    tasks = Numbers(property.Value, "")
                        .OrderBy(p => TaskStatuses.Order(p.Key))
                        .ToList();
                    break;
                case var name when Is(name, "agents") && property.Value.ValueKind == JsonValueKind.Object:
                    agents = Numbers(property.Value, "").ToList();
                    break;
                case var name when Is(name, "queueDepth") && property.Value.ValueKind == JsonValueKind.Number:
                    queueDepth = property.Value.GetDouble();
                    break;
                default:
                    other.AddRange(Numbers(property.Value, property.Name));
                    break;
            }
        }

        return new MetricsSnapshot { Tasks = tasks, QueueDepth = queueDepth, Agents = agents, Other = other };
    }

    static bool Is(string name, string expected) => string.Equals(name, expected, StringComparison.OrdinalIgnoreCase);

    static IEnumerable<KeyValuePair<string, double>> Numbers(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number:
                yield return new(path, value.GetDouble());
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var childPath = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                    foreach (var number in Numbers(property.Value, childPath))
                    {
                        yield return number;
                    }
                }

                break;
        }
    }
}
