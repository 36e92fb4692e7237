namespace Coordinator.Tasks.Placement;

/// <summary>The configured strategy for a task type (Coordinator:StrategyByTaskType), else the default.</summary>
public sealed class StrategySelector
{
    readonly Dictionary<string, IPlacementStrategy> _byName;
    readonly IPlacementStrategy _default;
    readonly Dictionary<string, IPlacementStrategy> _byTaskType;

    public StrategySelector(IEnumerable<IPlacementStrategy> strategies, CoordinatorOptions options)
    {
        _byName = strategies.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        _default = Find(options.LoadBalancingStrategy, $"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.LoadBalancingStrategy)}");
        _byTaskType = options.StrategyByTaskType.ToDictionary(
            kv => kv.Key,
            kv => Find(kv.Value, $"{CoordinatorOptions.Section}:{nameof(CoordinatorOptions.StrategyByTaskType)}:{kv.Key}"),
            StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public IPlacementStrategy For(string taskType) => _byTaskType.GetValueOrDefault(taskType) ?? _default;

    IPlacementStrategy Find(string name, string key) =>
        _byName.GetValueOrDefault(name)
        ?? throw new InvalidOperationException($"{key}: unknown strategy '{name}'; known: {string.Join(", ", _byName.Keys.Order())}");
}
