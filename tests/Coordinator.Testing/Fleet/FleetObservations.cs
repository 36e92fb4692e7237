using System.Collections.Concurrent;
using System.Text.Json;
using Coordinator.Contracts;

namespace Coordinator.Testing.Fleet;

/// <summary>A verdict the coordinator announced against a simulated agent, and whether the agent had in fact stopped.</summary>
/// <param name="Detection">From the last heartbeat the agent sent to the announcement; null when it never sent one.</param>
public sealed record VerdictSeen(string AgentId, string State, string Reason, DateTimeOffset At, DateTimeOffset? LastHeartbeatSent,
    DateTimeOffset? StoppedAt, TimeSpan? Detection)
{
    /// <summary>Against an agent that was heartbeating all along.</summary>
    public bool False => StoppedAt is null || StoppedAt > At;
}

/// <summary>
/// What the simulator saw the coordinator say and do: state changes and failures announced on
/// <c>coordinator.agent-events</c>, the messages it sent itself on <c>coordinator.agent-health</c> (per second, by type),
/// heartbeat refusals, assignments and completions. Thread-safe; read while the fleet runs.
/// </summary>
public sealed class FleetObservations(IReadOnlyDictionary<string, SimulatedAgent> agents)
{
    readonly ConcurrentQueue<VerdictSeen> _verdicts = new();
    readonly ConcurrentDictionary<long, int> _selfPerSecond = new();
    readonly ConcurrentDictionary<string, long> _selfByType = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, ConcurrentQueue<(string AgentId, int Attempt, DateTimeOffset At)>> _assignments = new(StringComparer.Ordinal);
    long _rejected;
    long _completed;
    long _publishFailures;
    string? _lastPublishFailure;

    /// <summary>Transitions to Failed, Unhealthy or Degraded the coordinator announced.</summary>
    public IReadOnlyList<VerdictSeen> Verdicts => [.. _verdicts];

    public IReadOnlyList<VerdictSeen> FalseVerdicts => [.. _verdicts.Where(v => v.False)];

    public long HeartbeatsRejected => Interlocked.Read(ref _rejected);
    public long TasksCompleted => Interlocked.Read(ref _completed);
    public long PublishFailures => Interlocked.Read(ref _publishFailures);
    public string? LastPublishFailure => Volatile.Read(ref _lastPublishFailure);

    /// <summary>Messages the coordinator sent itself on coordinator.agent-health, by type.</summary>
    public IReadOnlyDictionary<string, long> SelfMessagesByType => new Dictionary<string, long>(_selfByType);

    /// <summary>Self-sent messages in each whole second from <paramref name="from"/> to <paramref name="to"/> (zeros included).</summary>
    public IReadOnlyList<int> SelfMessagesPerSecond(DateTimeOffset from, DateTimeOffset to)
    {
        var first = from.ToUnixTimeSeconds();
        var last = to.ToUnixTimeSeconds();
        return [.. Enumerable.Range(0, (int)Math.Max(0, last - first)).Select(i => _selfPerSecond.GetValueOrDefault(first + i))];
    }

    /// <summary>The agents a task was assigned to, in order, with the attempt and when.</summary>
    public IReadOnlyList<(string AgentId, int Attempt, DateTimeOffset At)> AssignmentsOf(string taskId) =>
        _assignments.TryGetValue(taskId, out var list) ? [.. list] : [];

    /// <summary>Every task some agent was assigned, with its assignments.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(string AgentId, int Attempt, DateTimeOffset At)>> Assignments =>
        _assignments.ToDictionary(p => p.Key, p => (IReadOnlyList<(string, int, DateTimeOffset)>)[.. p.Value], StringComparer.Ordinal);

    internal void OnAgentEvent(string type, JsonElement message)
    {
        if (type != nameof(AgentStateChanged))
            return;
        var changed = MassTransitEnvelope.Message<AgentStateChanged>(message)!;
        if (!agents.TryGetValue(changed.AgentId, out var agent))
            return;
        agent.State = changed.State;
        if (changed.State is "Failed" or "Unhealthy" or "Degraded")
        {
            var last = agent.LastHeartbeatSent;
            _verdicts.Enqueue(new VerdictSeen(agent.AgentId, changed.State, changed.Reason, changed.Timestamp, last, agent.StoppedAt,
                last is { } l ? changed.Timestamp - l : null));
        }
    }

    internal void OnSelfMessage(string type, JsonElement message)
    {
        _selfPerSecond.AddOrUpdate(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 1, (_, n) => n + 1);
        _selfByType.AddOrUpdate(type, 1, (_, n) => n + 1);
    }

    internal void Assigned(SimulatedAgent agent, AssignTask assignment) =>
        _assignments.GetOrAdd(assignment.TaskId, _ => new()).Enqueue((agent.AgentId, assignment.Attempt, DateTimeOffset.UtcNow));

    internal void Completed(SimulatedAgent agent, AssignTask assignment) => Interlocked.Increment(ref _completed);

    internal void Rejected(SimulatedAgent agent) => Interlocked.Increment(ref _rejected);

    internal void PublishFailed(string reason)
    {
        Interlocked.Increment(ref _publishFailures);
        Volatile.Write(ref _lastPublishFailure, reason);
    }
}
