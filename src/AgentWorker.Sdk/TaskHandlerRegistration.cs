using Coordinator.AgentWorker.Sdk.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>Registers task handlers by the task type they serve.</summary>
public static class TaskHandlerRegistration
{
    /// <summary>The longest task type the coordinator accepts as a capability.</summary>
    public const int MaxTaskTypeLength = 64;

    /// <summary>
    /// Runs <typeparamref name="THandler"/> for tasks of type <paramref name="taskType"/> (matched without regard to case, as
    /// the coordinator matches capabilities). Unless <c>Agent:Capabilities</c> is configured, the agent offers the task types
    /// of its handlers. The handler is resolved per run from a scope of its own (registered scoped, unless you registered
    /// <typeparamref name="THandler"/> yourself first); one handler class may serve several task types.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="taskType">The task type, as clients submit it: 1-64 characters, no comma, no leading or trailing space.</param>
    /// <exception cref="ArgumentException">The task type is not valid, or another handler is registered for it.</exception>
    public static IServiceCollection AddTaskHandler<THandler>(this IServiceCollection services, string taskType)
        where THandler : class, ITaskHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        if (string.IsNullOrWhiteSpace(taskType) || taskType.Length > MaxTaskTypeLength || taskType.Contains(',') || taskType.Trim() != taskType)
            throw new ArgumentException(
                $"'{taskType}' is not a valid task type: use 1-{MaxTaskTypeLength} characters, no comma, no leading or trailing space", nameof(taskType));
        var taken = services.Select(d => d.ImplementationInstance).OfType<TaskHandlerDescriptor>()
            .FirstOrDefault(d => string.Equals(d.TaskType, taskType, StringComparison.OrdinalIgnoreCase));
        if (taken is not null)
            throw new ArgumentException(
                $"task type '{taskType}' already has a handler ({taken.HandlerType.Name}); {typeof(THandler).Name} cannot serve it too", nameof(taskType));
        services.AddSingleton(new TaskHandlerDescriptor(taskType, typeof(THandler)));
        services.TryAddScoped<THandler>();
        return services;
    }
}
