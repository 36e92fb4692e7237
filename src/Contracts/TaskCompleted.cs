using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>Published by an agent to <c>coordinator.task-events</c> when its handler returns.</summary>
public sealed record TaskCompleted
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public JsonElement? Result { get; init; }
    public double DurationMs { get; init; }
    /// <summary>When the handler started (the agent's clock). A task that ends quickly sends no TaskStarted: this says it.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
