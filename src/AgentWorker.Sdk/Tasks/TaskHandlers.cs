namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>The handlers registered on this agent, by task type (without regard to case), in registration order.</summary>
internal sealed class TaskHandlers(IEnumerable<TaskHandlerDescriptor> descriptors)
{
    readonly Dictionary<string, Type> _byType = descriptors.ToDictionary(d => d.TaskType, d => d.HandlerType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The task types served, as registered.</summary>
    public IReadOnlyList<string> TaskTypes { get; } = descriptors.Select(d => d.TaskType).ToList();

    /// <summary>The handler class registered for <paramref name="taskType"/>, if any.</summary>
    public bool TryGet(string taskType, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? handlerType) =>
        _byType.TryGetValue(taskType, out handlerType);
}
