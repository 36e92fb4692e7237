using System.Text.Json;

namespace Coordinator.AgentWorker.Sdk.Tasks;

/// <summary>How a running task's context reaches the coordinator (the runner's <see cref="TaskReports"/>; a test's own).</summary>
internal interface ITaskReports
{
    /// <summary>Queues a progress report; the latest wins, sent no more often than the agent's ProgressInterval.</summary>
    void Progress(double percent, string? message);

    /// <summary>Sends a checkpoint and completes once the broker has confirmed it.</summary>
    Task CheckpointAsync(JsonElement checkpoint, CancellationToken cancellationToken);
}
