using System.Text.Json;

namespace Coordinator.Contracts;

/// <summary>
/// A validated task waiting for an agent, on the priority queue <c>coordinator.dispatch</c> (its
/// AMQP priority is the task's). <see cref="Attempt"/> is the attempt this placement will make.
/// </summary>
public sealed record DispatchTask
{
    public string TaskId { get; init; } = "";
    public string TaskType { get; init; } = "";
    public IReadOnlyList<string> RequiredCapabilities { get; init; } = [];
    public JsonElement? Payload { get; init; }
    public int Priority { get; init; }
    public DateTimeOffset? Deadline { get; init; }
    public TaskResources Resources { get; init; } = new();
    public int Attempt { get; init; } = 1;
    /// <summary>
    /// Attempts that failed so far (the retry budget counts these): <see cref="Attempt"/> also grows when work is moved
    /// without failing (its agent failed, drained or fell behind), and a move must not spend a retry.
    /// </summary>
    public int FailedAttempts { get; init; }
    /// <summary>The agent the previous attempt failed on: placed elsewhere when another agent is eligible.</summary>
    public string? AvoidAgentId { get; init; }
    /// <summary>The last checkpoint an earlier attempt saved: the next attempt resumes from it.</summary>
    public JsonElement? Checkpoint { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
}
