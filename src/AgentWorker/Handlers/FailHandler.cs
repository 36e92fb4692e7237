using System.Text.Json;
using Coordinator.AgentWorker.Sdk;

namespace AgentWorker.Handlers;

/// <summary><c>fail</c>: throws <c>{"message": "..."}</c>.</summary>
public sealed class FailHandler : ITaskHandler
{
    public sealed class Input
    {
        public string? Message { get; set; }
    }

    public Task<JsonElement?> HandleAsync(TaskContext task, CancellationToken cancellationToken) =>
        throw new InvalidOperationException(task.PayloadAs<Input>().Message ?? "failed on purpose");
}
