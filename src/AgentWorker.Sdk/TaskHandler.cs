using System.Text.Json;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// A handler with typed input and output: the task's payload is read as <typeparamref name="TInput"/> and the returned
/// <typeparamref name="TOutput"/> becomes the task's result, both as camelCase JSON. A task with no payload gets a new
/// <typeparamref name="TInput"/>; a null result is stored as none.
/// </summary>
/// <typeparam name="TInput">What the payload holds (camelCase JSON properties).</typeparam>
/// <typeparam name="TOutput">What the result holds.</typeparam>
public abstract class TaskHandler<TInput, TOutput> : ITaskHandler
    where TInput : new()
{
    /// <summary>Runs one task: see <see cref="ITaskHandler.HandleAsync"/> for failure and cancellation.</summary>
    /// <param name="input">The task's payload.</param>
    /// <param name="task">The task, for progress, checkpoints, its attempt and work directory.</param>
    /// <param name="cancellationToken">Cancelled when the task must stop.</param>
    protected abstract Task<TOutput> HandleAsync(TInput input, TaskContext task, CancellationToken cancellationToken);

    async Task<JsonElement?> ITaskHandler.HandleAsync(TaskContext task, CancellationToken cancellationToken)
    {
        var output = await HandleAsync(task.PayloadAs<TInput>(), task, cancellationToken);
        return output is null ? null : JsonSerializer.SerializeToElement(output, TaskContext.Json);
    }
}
