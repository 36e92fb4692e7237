using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>Published by an agent to <c>coordinator.task-events</c> when its handler throws or runs past the deadline.</summary>
public sealed record TaskFailed
{
    public string TaskId { get; init; } = "";
    public string AgentId { get; init; } = "";
    public int Attempt { get; init; }
    public string Error { get; init; } = "";
    public bool TimedOut { get; init; }
    public double DurationMs { get; init; }
    /// <summary>When the handler started (the agent's clock). A task that ends quickly sends no TaskStarted: this says it.</summary>
    public DateTimeOffset? StartedAt { get; init; }
    /// <summary>
    /// The last checkpoint the attempt saved and its <see cref="TaskCheckpointed.Sequence"/> (0: none). Its own TaskCheckpointed
    /// may be consumed after this: the coordinator stores it from here first, so the retry resumes from it.
    /// </summary>
    public JsonElement? Checkpoint { get; init; }
    public int CheckpointSequence { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
