using System.Text.Json;

namespace Coordinator.AgentWorker.Sdk;

/// <summary>
/// The SDK: implement one per task type and register it with <c>services.AddTaskHandler&lt;T&gt;()</c>.
/// Return the result as JSON (or null). Throw to fail the task; honour the cancellation token, which
/// fires at the task's deadline (or the coordinator's task timeout) and on shutdown.
/// </summary>
public interface ITaskHandler
{
    /// <summary>The task type this handler serves; also advertised as a capability.</summary>
    string TaskType { get; }

    Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken);
}
