using System.Text.Json;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// Runs tasks of one type (or several): implement it, register it with
/// <see cref="TaskHandlerRegistration.AddTaskHandler{THandler}(IServiceCollection, string)"/> under the task type it serves, and
/// the agent runs it for every task of that type assigned to it. For typed input and output, derive from
/// <see cref="TaskHandler{TInput, TOutput}"/> instead.
/// </summary>
/// <remarks>
/// A handler is resolved from a dependency-injection scope of its own for each run, so it may take scoped services (and is
/// disposed after the run). Up to <c>Agent:MaxConcurrentTasks</c> tasks run at once, each with its own handler instance
/// unless the handler was registered as a singleton.
/// </remarks>
public interface ITaskHandler
{
    /// <summary>
    /// Runs one task. Return its result as JSON, or null for none; throw to fail the task (the exception's type and message
    /// become its error, and the coordinator decides about a retry). Honour <paramref name="cancellationToken"/>: it is
    /// cancelled at the task's deadline (or the coordinator's task timeout), when the coordinator cancels the task, and when
    /// the agent stops; a handler still running a second later is abandoned and the task failed.
    /// </summary>
    /// <param name="task">The task: its id, type, attempt, payload, checkpoint and work directory; and how to report progress and save checkpoints.</param>
    /// <param name="cancellationToken">Cancelled when the task must stop.</param>
    Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken);
}
