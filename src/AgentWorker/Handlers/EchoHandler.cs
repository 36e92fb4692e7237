using System.Text.Json;
using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary><c>echo</c>: returns its payload.</summary>
public sealed class EchoHandler : ITaskHandler
{
    public Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken) => Task.FromResult(task.Payload);
}
