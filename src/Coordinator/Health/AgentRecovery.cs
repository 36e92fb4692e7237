using System.Text.Json;
using Coordinator.Contracts;
using Coordinator.Messaging;
using Coordinator.Tasks;
using Coordinator.Tasks.Placement;
using MassTransit;
using TaskStatus = Coordinator.Tasks.TaskStatus;

namespace Coordinator.Health;

/// <summary>
/// Moves a failed (or departed) agent's work: every task in flight on it and every assignment still in
/// its queue goes back to the dispatcher with its next attempt number (the fencing token; whatever the
/// old attempt reports later is stale), then its queue is drained and deleted. The delete is conditional,
/// checked by the broker at that instant: only while the queue has no consumer and no message. A paused agent
/// still holds its consumer, so its queue stays (emptied) and it hears about new work once it is back and
/// registered again; a queue kept that way is deleted by a later sweep once it is unused.
/// </summary>
public sealed partial class AgentRecovery(
    TaskPlacement placement,
    TaskLedger ledger,
    BrokerQueues queues,
    RecoveryMetrics metrics,
    TimeProvider time,
    ILogger<AgentRecovery> logger)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    const int DrainLimit = 10_000;

    /// <summary>Agents whose queue was kept because it was still in use, and since when.</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _queuesKept = new(StringComparer.Ordinal);

    public async Task<int> RecoverAsync(string agentId, string reason, DateTimeOffset? lastHeartbeat,
        ISendEndpointProvider sender, CancellationToken cancellationToken)
    {
        var moved = new List<DispatchTask>();
        foreach (var inFlight in placement.Evict(agentId))
            moved.Add(inFlight.Task with { Attempt = inFlight.Attempt + 1, AvoidAgentId = agentId });

        // Assignments still queued for it that this coordinator no longer tracks (e.g. after its own restart).
        var queue = EntityNames.AgentQueue(agentId);
        foreach (var body in await queues.DrainAsync(queue, DrainLimit, cancellationToken))
        {
            if (Parse(body) is not { } assignment || moved.Any(m => m.TaskId == assignment.TaskId) || placement.IsInFlight(assignment.TaskId))
                continue;
            moved.Add(new DispatchTask
            {
                TaskId = assignment.TaskId,
                TaskType = assignment.TaskType,
                RequiredCapabilities = assignment.RequiredCapabilities,
                Payload = assignment.Payload,
                Priority = assignment.Priority,
                Deadline = assignment.Deadline,
                Resources = assignment.Resources,
                Attempt = assignment.Attempt + 1,
                AvoidAgentId = agentId,
                SubmittedAt = assignment.SubmittedAt,
            });
        }

        var now = time.GetUtcNow();
        foreach (var task in moved)
        {
            ledger.Record(new TaskUpdate(task.TaskId, TaskStatus.Pending, task.Attempt, now,
                r => r.Reason = $"moved from agent {agentId} ({reason})"));
            await DispatchQueue.SendAsync(sender, task, cancellationToken);
        }
        // Deleting a queue under a live consumer would leave that agent (paused, not dead) deaf to new work once
        // it is back; the broker refuses the conditional delete then, and the queue is only emptied.
        if (await queues.DeleteIfUnusedAsync(queue, cancellationToken))
        {
            _queuesKept.TryRemove(agentId, out _);
            LogDeleted(queue);
        }
        else
        {
            await queues.PurgeAsync(queue, cancellationToken);
            _queuesKept[agentId] = time.GetUtcNow();
            LogKept(queue);
        }

        if (lastHeartbeat is { } heard)
            metrics.Recovered(time.GetUtcNow() - heard, moved.Count);
        LogRecovered(agentId, moved.Count, reason);
        return moved.Count;
    }

    /// <summary>
    /// Deletes the queues kept earlier once they are unused and empty; forgets those whose agent is live again
    /// (it uses its queue). Called by the health sweep.
    /// </summary>
    public async Task RetryKeptQueuesAsync(IReadOnlySet<string> liveAgents, CancellationToken cancellationToken)
    {
        foreach (var agentId in _queuesKept.Keys)
        {
            if (liveAgents.Contains(agentId))
            {
                _queuesKept.TryRemove(agentId, out _);
                continue;
            }
            var queue = EntityNames.AgentQueue(agentId);
            if (await queues.DeleteIfUnusedAsync(queue, cancellationToken))
            {
                _queuesKept.TryRemove(agentId, out _);
                LogDeleted(queue);
            }
        }
    }

    static AssignTask? Parse(string body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            return envelope.RootElement.TryGetProperty("message", out var message) ? message.Deserialize<AssignTask>(Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(LogLevel.Information, "Queue {Queue} drained and deleted")]
    partial void LogDeleted(string queue);

    [LoggerMessage(LogLevel.Information, "Queue {Queue} drained but kept: a consumer is still attached (a paused agent?); deleted later once unused")]
    partial void LogKept(string queue);

    [LoggerMessage(LogLevel.Warning, "Agent {AgentId} gone ({Reason}): {Tasks} task(s) moved back to dispatch")]
    partial void LogRecovered(string agentId, int tasks, string reason);
}
